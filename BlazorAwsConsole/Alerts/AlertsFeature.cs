using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Alerts;

public static class AlertsFeature
{
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AlertBoard>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<AlertRuleValidator>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<AlertFollowUps>();
        services.AddSingleton<AlertEngine>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertEngine>());
        if (InfrastructureFeature.ProviderOf(builder.Configuration) == DatabaseProvider.Postgres)
        {
            // The clustered store runs the evaluation on one node at a time; every node's engine only asks for runs.
            services.AddSingleton<ClusteredAlertEvaluation>();
            var settings = builder.Configuration.GetSection(AlertOptions.Section).Get<AlertOptions>() ?? new();
            services.AddRepeatingJob<AlertEvaluationJob>(AlertEvaluationJob.Key, AlertEvaluationJob.EveryKey, TimeSpan.FromSeconds(settings.EvaluateSeconds), durable: true);
        }
        return builder;
    }
}
