namespace BlazorAwsConsole.Cluster;

/// <summary>Live across nodes (PostgreSQL only): changes told with NOTIFY, views re-read on LISTEN and on a timer.</summary>
public static class ClusterNoticesFeature
{
    public static IServiceCollection AddClusterNotices(this IServiceCollection services)
    {
        services.AddSingleton<NoticeOrigin>();
        services.AddSingleton<NoticeSignature>();
        services.AddSingleton<RelayedEvents>();
        services.AddSingleton<SettingsViews>();
        services.AddSingleton<ClusterViews>();
        services.AddSingleton<NoticeOutbox>();
        services.AddHostedService(provider => provider.GetRequiredService<NoticeOutbox>());
        services.AddSingleton<NoticeListening>();
        services.AddSingleton<NoticeListener>();
        services.AddHostedService(provider => provider.GetRequiredService<NoticeListener>());
        return services;
    }
}
