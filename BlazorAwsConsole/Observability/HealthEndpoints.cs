using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BlazorAwsConsole.Observability;

/// <summary>
/// <c>/healthz</c> (liveness: the database and what this node already knows, e.g. each region's last
/// poll) and <c>/healthz/ready</c> (readiness: the database, Vault, every enabled region's AWS
/// endpoint, the job scheduler). Both answer JSON with each check's status, description, duration and
/// data; 503 when unhealthy. Anonymous: load balancers probe them, and they name no secret.
/// </summary>
public static class HealthEndpoints
{
    public static WebApplicationBuilder AddReadinessChecks(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<VaultReadinessCheck>();
        builder.Services.AddSingleton<AwsReachabilityCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<VaultReadinessCheck>("vault", tags: [HealthTags.Ready])
            .AddCheck<AwsReachabilityCheck>("aws", tags: [HealthTags.Ready])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [HealthTags.Ready]);
        return builder;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Live) || !check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteAsync,
        }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteAsync,
        }).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data,
            }),
        });
    }
}
