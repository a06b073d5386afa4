using BlazorAwsConsole.Cluster;
using Quartz;

namespace BlazorAwsConsole.JumpServers;

public static class JumpServersFeature
{
    public static WebApplicationBuilder AddJumpServers(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JumpServerOptions>().BindConfiguration(JumpServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TemplateValidator>();
        builder.Services.AddSingleton<TemplateService>();
        builder.Services.AddSingleton<JumpServerProvisioner>();
        builder.Services.AddSingleton<JumpServerService>();
        builder.Services.AddSingleton<TtlEnforcer>();
        builder.Services.AddSingleton<RegionResources>();
        builder.Services.AddSingleton<InstanceLauncher>();

        // Quartz triggers are built before options can be resolved, so read the same settings directly.
        var settings = builder.Configuration.GetSection(JumpServerOptions.Section).Get<JumpServerOptions>() ?? new();
        if (!settings.EnforceTtlOnSchedule) return builder;
        // A fixed key: on a clustered store every node declares it and the first one's stays (or a node configured otherwise replaces it).
        builder.Services.AddRepeatingJob<TtlJob>(TtlJob.Key, new TriggerKey("jump-server-ttl", "jump-servers"), TimeSpan.FromSeconds(settings.TtlCheckIntervalSeconds));
        return builder;
    }
}
