using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BlazorAwsConsole.Fleet;

/// <summary>AWS reachability per region, as the last poll of each found it.</summary>
public sealed class RegionsHealthCheck(FleetSnapshot snapshot) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var regions = snapshot.Regions;
        var data = regions.ToDictionary(r => r.Code, r => (object)(r.LastError ?? (r.LastSyncedAt is null ? "not polled yet" : "ok")));
        var failing = regions.Where(r => r.IsStale).Select(r => r.Code).ToList();
        var result = failing.Count == 0
            ? HealthCheckResult.Healthy($"{regions.Count} region(s) reachable", data)
            : failing.Count == regions.Count
                ? HealthCheckResult.Unhealthy($"No region reachable: {string.Join(", ", failing)}", data: data)
                : HealthCheckResult.Degraded($"Unreachable: {string.Join(", ", failing)}", data: data);
        return Task.FromResult(result);
    }
}
