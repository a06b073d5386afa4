using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
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
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<ProbeRunJob>(job => job.WithIdentity(ProbeScheduler.JobKey).StoreDurably());
            if (!settings.RunOnSchedule) return;
            quartz.AddJob<ProbeRollupJob>(job => job.WithIdentity(ProbeRollupJob.Key));
            quartz.AddTrigger(trigger => trigger
                // A fixed key: on a clustered store every node declares it and the first one's stays.
                .WithIdentity("probe-rollup", "probe-rollups")
                .ForJob(ProbeRollupJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(10)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        return builder;
    }
}
