using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Observability;

/// <summary>
/// A readiness check that calls a dependency: its answer is reused for
/// <c>Observability:ReadinessCacheSeconds</c>, and probes arriving meanwhile share the call in flight,
/// so a load balancer probing every second costs the dependency one call per period.
/// </summary>
/// <remarks>Wall-clock time on purpose (not TimeProvider): the cache and the timeout protect real dependencies from real probes.</remarks>
public abstract class CachedHealthCheck(IOptions<ObservabilityOptions> options) : IHealthCheck
{
    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _current;
    private long _expires;

    protected TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.DependencyTimeoutSeconds);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_current is null || (_current.IsCompleted && Stopwatch.GetTimestamp() >= _expires))
            {
                // Not tied to one probe's request: others share it; the check's own timeout bounds it.
                _current = RunAsync();
            }
            return _current.WaitAsync(cancellationToken);
        }
    }

    private async Task<HealthCheckResult> RunAsync()
    {
        HealthCheckResult result;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            result = await CheckAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            result = HealthCheckResult.Unhealthy(ex.Message, ex);
        }
        lock (_lock) _expires = Stopwatch.GetTimestamp() + options.Value.ReadinessCacheSeconds * Stopwatch.Frequency;
        return result;
    }

    /// <summary>Asks the dependency; <paramref name="cancellationToken"/> fires after <see cref="Timeout"/>.</summary>
    protected abstract Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken);
}
