using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace BlazorAwsConsole.Observability;

/// <summary>The Quartz scheduler that runs the fleet poll, TTL and probe jobs is running (started, not in standby, not shut down).</summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        var data = new Dictionary<string, object> { ["name"] = scheduler.SchedulerName, ["status"] = status.ToString() };
        return status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy("The job scheduler is running", data)
            : HealthCheckResult.Unhealthy($"The job scheduler is not running ({status})", data: data);
    }
}
