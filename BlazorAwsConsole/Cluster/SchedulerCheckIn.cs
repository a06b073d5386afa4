using Microsoft.Extensions.Options;
using Quartz;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// When this node's scheduler last checked in: a Quartz job every Cluster:CheckInSeconds records the
/// time it ran, so "checked in recently" means the scheduler is started and its threads fire jobs
/// (a scheduler that is running but starved or stuck stops checking in). On PostgreSQL, where any node
/// may fire that job, Quartz's own cluster check-in (its row in qrtz_scheduler_state) is recorded here
/// instead, by <see cref="QuartzCheckInWatcher"/>.
/// </summary>
public sealed class SchedulerCheckIn(TimeProvider time, IOptions<ClusterOptions> options)
{
    public static readonly JobKey JobKey = new("scheduler-check-in", "cluster");
    private long _lastTicks;
    private long _scheduledTicks;

    public DateTimeOffset? Last => Interlocked.Read(ref _lastTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.Value.CheckInSeconds));

    /// <summary>
    /// Late when no check-in came for three intervals (one missed beat is not yet a failure); a node
    /// whose first check-in is still due counts from when it was scheduled.
    /// </summary>
    public bool IsLate
    {
        get
        {
            var since = Last ?? (Interlocked.Read(ref _scheduledTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null);
            return since is not { } at || time.GetUtcNow() - at > 3 * Interval;
        }
    }

    /// <summary>The check-in job is scheduled: its first run is due now.</summary>
    public void Scheduled() => Interlocked.Exchange(ref _scheduledTicks, time.GetUtcNow().UtcTicks);

    public void Record() => Interlocked.Exchange(ref _lastTicks, time.GetUtcNow().UtcTicks);
}

/// <summary>The check-in itself; runs on Quartz's threads like every other job.</summary>
[DisallowConcurrentExecution]
public sealed class SchedulerCheckInJob(SchedulerCheckIn checkIn) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        checkIn.Record();
        return ValueTask.CompletedTask;
    }
}
