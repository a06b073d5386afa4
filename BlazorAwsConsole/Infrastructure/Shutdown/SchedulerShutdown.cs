using Quartz;

namespace BlazorAwsConsole.Infrastructure.Shutdown;

/// <summary>
/// The first thing a stopping console does (registered after Quartz's hosted service, so stopped
/// before it): the scheduler stops firing triggers (standby), and jobs that are running (a fleet
/// poll, rollups, retention, alert evaluation) are interrupted, which cancels the token each job was
/// given. Quartz's own shutdown then waits for jobs to complete, which no longer means waiting for a
/// long poll or a retention sweep to run to its end.
/// </summary>
public sealed class SchedulerShutdown(ISchedulerFactory schedulers, ILogger<SchedulerShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <remarks>
    /// Not bound to the stop token: when the host's stop timeout has already run out (Kestrel waiting
    /// for open browser circuits uses it up), these quick in-memory calls must still happen, or
    /// Quartz's own shutdown would wait for every running job.
    /// </remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IScheduler scheduler;
        try
        {
            scheduler = await schedulers.GetScheduler(CancellationToken.None);
        }
        catch (SchedulerException)
        {
            // Already shut down (Quartz refuses to hand back a scheduler it shut down): nothing left to stop.
            return;
        }
        if (await scheduler.GetStatus(CancellationToken.None) is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) return;
        await scheduler.Standby(CancellationToken.None);
        try
        {
            // This node's firings only: with a clustered store the query sees every node's, and interrupting those
            // would cancel another node's poll or rollup because this one is stopping.
            var mine = new FireInstanceQuery { State = FireInstanceState.Executing, SchedulerInstanceId = scheduler.SchedulerInstanceId };
            var running = (await scheduler.QueryFireInstances(mine, CancellationToken.None)).Items;
            foreach (var job in running)
            {
                await scheduler.InterruptFireInstance(job.FireInstanceId, CancellationToken.None);
            }
            logger.LogInformation("Scheduler stopped taking triggers; {Count} running job(s) asked to stop: {Jobs}",
                running.Count, string.Join(", ", running.Select(j => j.JobKey?.ToString())));
        }
        catch (JobPersistenceException e)
        {
            // A node cut from its database still stops: its jobs fail on their own at their next query, and a stop
            // that threw here would leave the rest of the host (Kestrel, the probe timers) running.
            logger.LogWarning("Scheduler stopped taking triggers; its running jobs could not be listed, the job store is unreachable: {Reason}", e.Message);
        }
    }
}
