using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Secrets;
using Prometheus;

namespace BlazorAwsConsole.Observability;

/// <summary>The console's own observability: /metrics, /healthz and /healthz/ready, the OpenAPI document and Scalar, JSON logs.</summary>
public static class ObservabilityFeature
{
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ObservabilityOptions>().BindConfiguration(ObservabilityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(provider =>
        {
            var metrics = new ConsoleMetrics();
            // Resolved at scrape time, not here: the Vault monitor depends on the fleet sync, which reports to these metrics.
            metrics.OnCollect(() => metrics.CollectFleet(provider.GetRequiredService<FleetSnapshot>()));
            metrics.OnCollect(() => metrics.SetVaultState(VaultMetricState.Of(
                provider.GetRequiredService<VaultClient>(), provider.GetRequiredService<VaultStatus>(), provider.GetRequiredService<VaultMonitor>())));
            return metrics;
        });
        builder.Services.AddHostedService<FeatureMetrics>();
        builder.AddReadinessChecks();
        builder.AddApiDescription();
        builder.AddJsonLogging();
        return builder;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapHealthEndpoints();
        // An operations endpoint: Prometheus scrapes it with a Viewer API key (README: Observability).
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ConsoleMetrics>().Registry).RequireAuthorization(Policies.CanView);
        app.MapApiDescription();
        return app;
    }
}
