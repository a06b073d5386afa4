using BlazorAwsConsole.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace BlazorAwsConsole.Observability;

/// <summary>
/// This node's Quartz scheduler, which runs the fleet poll, TTL and probe jobs, is running (started,
/// not in standby, not shut down) and checking in: its check-in job ran within three intervals, so
/// its threads really fire jobs. Not ready either while the node is fenced (<see cref="ClusterMembership.IsFenced"/>).
/// </summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers, SchedulerCheckIn checkIn, IOptions<ClusterOptions> cluster, ClusterMembership membership) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["name"] = scheduler.SchedulerName,
            ["node"] = cluster.Value.EffectiveNodeName,
            ["status"] = status.ToString(),
            ["lastCheckIn"] = checkIn.Last?.ToString("O") ?? "never",
            ["fenced"] = membership.IsFenced,
            ["testsOwned"] = membership.TestsOwned,
        };
        // A node that could not renew its membership runs no test: it must not take traffic as if it were whole.
        if (membership.IsFenced)
        {
            return HealthCheckResult.Unhealthy(membership.LastHeartbeat is null
                ? "This node has not joined the cluster yet (no heartbeat stored)"
                : $"This node has fenced itself: no heartbeat stored for more than {membership.FenceTime.TotalSeconds:0} s", data: data);
        }
        if (status != SchedulerStatus.Running) return HealthCheckResult.Unhealthy($"The job scheduler is not running ({status})", data: data);
        return checkIn.IsLate
            ? HealthCheckResult.Unhealthy($"The job scheduler is running but has not checked in for {3 * checkIn.Interval.TotalSeconds:0} s", data: data)
            : HealthCheckResult.Healthy("The job scheduler is running and checking in", data);
    }
}
