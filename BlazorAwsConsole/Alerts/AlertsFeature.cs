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
        services.AddSingleton<AlertEngine>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertEngine>());
        return builder;
    }
}
