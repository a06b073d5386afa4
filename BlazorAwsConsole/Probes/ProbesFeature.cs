using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
using BlazorAwsConsole.Cluster;
using Quartz;

namespace BlazorAwsConsole.Probes;

public static class ProbesFeature
{
    public static WebApplicationBuilder AddProbes(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ProbeOptions>().BindConfiguration(ProbeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddProbeRunners();
        services.AddSsmProbes();
        services.AddSingleton<ProbeCatalog>();
        services.AddSingleton<ProbeStatusBoard>();
        services.AddSingleton<Locations.TestViews>();
        services.AddSingleton<SyntheticTestValidator>();
        services.AddSingleton<ProbeScheduler>();
        services.AddSingleton<ProbeQueries>();
        services.AddSingleton<Export.ProbeResultsCsv>();
        services.AddSingleton<ProbeRollups>();
        services.AddSingleton<SyntheticTestService>();
        // The writer starts before the engine and stops after it, so every result a worker finishes is stored.
        services.AddSingleton<ProbeResultWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<ProbeResultWriter>());
        services.AddSingleton<ProbeEngine>();
        services.AddHostedService(provider => provider.GetRequiredService<ProbeEngine>());
        services.AddHostedService<ProbesStartup>();

        var settings = builder.Configuration.GetSection(ProbeOptions.Section).Get<ProbeOptions>() ?? new();
        // The tests' own timers (ProbeScheduler) make their job from the container; the clustered store holds none of it.
        services.AddTransient<ProbeRunJob>();
        if (!settings.RunOnSchedule) return builder;
        // A fixed key: on a clustered store every node declares it and the first one's stays (or a node configured otherwise replaces it).
        services.AddRepeatingJob<ProbeRollupJob>(ProbeRollupJob.Key, new TriggerKey("probe-rollup", "probe-rollups"), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        return builder;
    }
}
