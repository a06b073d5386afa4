using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using Quartz;

namespace BlazorAwsConsole.Fleet;

public static class FleetFeature
{
    public static WebApplicationBuilder AddFleet(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FleetSnapshot>();
        builder.Services.AddSingleton<Ec2Inventory>();
        builder.Services.AddSingleton<ReadPacing>();
        builder.Services.AddSingleton<FleetSyncService>();
        builder.Services.AddSingleton<InstanceActionLocks>();
        builder.Services.AddSingleton<InstanceActionService>();
        builder.Services.AddSingleton<FleetQueries>();
        builder.Services.AddSingleton<Events.EventQueueBoard>();
        builder.Services.AddSingleton<Events.FleetEventHandler>();
        builder.Services.AddSingleton<Events.EventQueueSupervisor>();
        builder.Services.AddHostedService<FleetStartup>();
        // After FleetStartup (registration order): the readers write through the loaded snapshot.
        builder.Services.AddHostedService(provider => provider.GetRequiredService<Events.EventQueueSupervisor>());
        builder.Services.AddScoped<Components.InstanceActionRunner>();
        builder.Services.AddHealthChecks().AddCheck<RegionsHealthCheck>("aws-regions", tags: [HealthTags.Live]);

        // Quartz triggers are built before options can be resolved, so read the same settings directly.
        var settings = builder.Configuration.GetSection(FleetOptions.Section).Get<FleetOptions>() ?? new();
        var interval = settings.PollInterval(builder.Configuration.GetSection(AwsOptions.Section).Get<AwsOptions>()?.Mode ?? AwsMode.Sandbox);
        if (!settings.PollOnSchedule) return builder;
        // A fixed key: on a clustered store every node declares it and the first one's stays (or a node configured otherwise replaces it).
        builder.Services.AddRepeatingJob<FleetSyncJob>(FleetSyncJob.Key, new TriggerKey("fleet-sync", "fleet"), interval);
        return builder;
    }
}
