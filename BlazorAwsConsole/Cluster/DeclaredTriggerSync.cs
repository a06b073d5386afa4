using Quartz;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// PostgreSQL: a declared trigger already in the clustered store is kept as it is when a node starts
/// (<c>IgnoreDuplicates</c>), so starting a node never resets the cluster's schedule. But the stored one carries
/// the interval of whichever node stored it first: a node started with another configured interval replaces it
/// (and says so), while a node configured the same leaves it untouched.
/// </summary>
public sealed class DeclaredTriggerSync(ISchedulerFactory schedulers, IEnumerable<RepeatingTrigger> declared, TimeProvider time,
    ILogger<DeclaredTriggerSync> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Getting the scheduler stores the declared jobs and triggers first (those not yet in the database).
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var trigger in declared)
        {
            var stored = await scheduler.GetTrigger(trigger.Key, cancellationToken);
            if (stored is null || stored is ISimpleTrigger same && same.RepeatInterval == trigger.Interval) continue;
            var before = stored is ISimpleTrigger simple ? $"{simple.RepeatInterval.TotalSeconds:0.###} s" : stored.GetType().Name;
            await scheduler.RescheduleJob(trigger.Key, trigger.Build(time.GetUtcNow()), cancellationToken);
            logger.LogInformation("Trigger {Trigger} now repeats every {Interval} s as this node is configured (it was every {Before}, as another node set it)",
                trigger.Key.ToString(), trigger.Interval.TotalSeconds, before);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
