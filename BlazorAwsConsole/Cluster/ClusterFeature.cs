
namespace BlazorAwsConsole.Cluster;

public static class ClusterFeature
{
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section)
            .Validate(o => o.CheckInSeconds is >= 1 and <= 300, "Cluster:CheckInSeconds must be between 1 and 300.")
            .Validate(o => o.RefreshSeconds is >= 1 and <= 3600, "Cluster:RefreshSeconds must be between 1 and 3600.")
            .Validate(o => o.HeartbeatSeconds is >= 1 and <= 60, "Cluster:HeartbeatSeconds must be between 1 and 60.")
            .Validate(o => o.MemberTimeoutSeconds >= 3 * o.HeartbeatSeconds && o.MemberTimeoutSeconds <= 600,
                "Cluster:MemberTimeoutSeconds must be at least three heartbeats (the fencing time is the timeout minus two) and at most 600.")
            .Validate(o => o.NodeName is null || o.NodeName.Length <= 100, "Cluster:NodeName must be at most 100 characters.")
            .ValidateOnStart();
        services.AddSingleton<SchedulerCheckIn>();
        services.AddSingleton<ClusterMembership>();
        services.AddSingleton<MembershipHeartbeat>();
        services.AddHostedService(provider => provider.GetRequiredService<MembershipHeartbeat>());
        if (Infrastructure.InfrastructureFeature.ProviderOf(builder.Configuration) == Infrastructure.DatabaseProvider.Postgres)
        {
            // Quartz's clustered store: its scheduler-state table lists the nodes and carries this node's heartbeat.
            services.AddSingleton<IClusterNodes, QuartzClusterNodes>();
            services.AddSingleton<IMemberStore, PostgresMemberStore>();
            services.AddHostedService<QuartzCheckInWatcher>();
            services.AddClusterNotices();
        }
        else
        {
            services.AddSingleton<IClusterNodes, ThisNodeOnly>();
            services.AddSingleton<IMemberStore, SingleMemberStore>();
            services.AddHostedService<ClusterStartup>();
        }
        return builder;
    }
}
