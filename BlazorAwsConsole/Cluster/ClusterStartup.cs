using Quartz;

namespace BlazorAwsConsole.Cluster;

/// <summary>Schedules this node's check-in job (the first at once, so a fresh node is ready without waiting an interval).</summary>
public sealed class ClusterStartup(ISchedulerFactory schedulers, SchedulerCheckIn checkIn, ILogger<ClusterStartup> logger,
    Microsoft.Extensions.Options.IOptions<ClusterOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<SchedulerCheckInJob>().WithIdentity(SchedulerCheckIn.JobKey).StoreDurably().Build();
        var trigger = TriggerBuilder.Create().WithIdentity("scheduler-check-in", "cluster").ForJob(job).StartNow()
            .WithSimpleSchedule(s => s.WithInterval(checkIn.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        await scheduler.ScheduleJob(job, trigger, ScheduleJobOptions.Replacing, cancellationToken);
        checkIn.Scheduled();
        logger.LogInformation("Cluster node {NodeName} checks in every {Seconds} s", options.Value.EffectiveNodeName, checkIn.Interval.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
