using BlazorAwsConsole.Alerts;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorAwsConsole.Dashboard;

public static class DashboardFeature
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ProbeOverview>();
        services.AddSingleton<RecentChanges>();
        services.AddSingleton<HealthWarnings>();
        services.AddOptions<WallOptions>().BindConfiguration(WallOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StoppedInstancePolicy>();
        // The alert engine owns the board; until it is registered (Alerts feature) the dashboard reads an empty one.
        return builder;
    }
}
