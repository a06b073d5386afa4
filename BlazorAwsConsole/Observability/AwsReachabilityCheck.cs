using System.Diagnostics;
using Amazon.EC2.Model;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Observability;

/// <summary>
/// Asks EC2 in every enabled region, at once, for its availability zones (a cheap read every
/// credential may make), with the region's own endpoint and credentials, as the fleet sync would.
/// Unlike the liveness check (the last poll's result), this sees a region come back at once.
/// Unhealthy when any enabled region does not answer: the console cannot show all of its fleet.
/// </summary>
public sealed class AwsReachabilityCheck(
    IDbContextFactory<ConsoleDbContext> contexts, AwsClientFactory aws, IOptions<ObservabilityOptions> options)
    : CachedHealthCheck(options)
{
    protected override async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var regions = await db.Regions.AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Code).ToListAsync(cancellationToken);
        var answers = await Task.WhenAll(regions.Select(async region =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await aws.Ec2(region.Code, region.ServiceUrl).DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest(), cancellationToken);
                return (region.Code, Error: (string?)null, Stopwatch.GetElapsedTime(started));
            }
            catch (Exception ex)
            {
                var reason = ex is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : AwsErrors.Describe(ex);
                return (region.Code, Error: reason, Stopwatch.GetElapsedTime(started));
            }
        }));

        var data = answers.ToDictionary(a => a.Code, a => (object)(a.Error ?? $"ok ({a.Item3.TotalMilliseconds:0} ms)"));
        var failing = answers.Where(a => a.Error is not null).Select(a => $"{a.Code} ({a.Error})").ToList();
        return failing.Count == 0
            ? HealthCheckResult.Healthy($"{regions.Count} region(s) answer", data)
            : HealthCheckResult.Unhealthy($"Unreachable: {string.Join(", ", failing)}", data: data);
    }
}
