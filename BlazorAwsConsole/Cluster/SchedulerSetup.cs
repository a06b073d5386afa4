using BlazorAwsConsole.Infrastructure;
using Quartz;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The one Quartz scheduler of a node. SQLite: the in-memory store (one node). PostgreSQL: Quartz's ADO job
/// store in the console's database with clustering on, so every trigger (fleet polls, each synthetic test, TTL,
/// rollups) fires on exactly one node and a dead node's triggers are taken over by the others.
/// </summary>
public static class SchedulerSetup
{
    /// <summary>How often a clustered node records that it is alive (Quartz's own check-in).</summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(7.5);

    /// <summary>
    /// How long past a missed check-in the others wait before recovering a node's triggers: a dead node is
    /// taken over within about interval + threshold (22.5 s), inside the 30 s a NOC allows.
    /// </summary>
    public static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(15);

    public static WebApplicationBuilder AddScheduler(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // All nodes of one cluster share this name; a unique one lets several consoles share one process (the tests do).
        var schedulerName = configuration["Quartz:SchedulerName"] ?? "BlazorAwsConsole";
        var provider = InfrastructureFeature.ProviderOf(configuration);
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = schedulerName);
            if (provider != DatabaseProvider.Postgres)
            {
                // The in-memory store: one round fires every trigger due within the next 5 ms, up to Quartz's thread pool
                // (its default 10 threads; Quartz refuses a larger batch). One round per trigger meant a timed wait, a timer
                // and a thread wake-up for each of 833 runs a second at 50,000 tests a minute, the largest part of that
                // soak's CPU (issue 13). So a run may start up to 5 ms before its time, well inside Quartz's own lateness.
                quartz.ConfigureScheduler(scheduler =>
                {
                    scheduler.MaxBatchSize = 10;
                    scheduler.BatchTriggerAcquisitionFireAheadTimeWindow = TimeSpan.FromMilliseconds(5);
                });
                return;
            }

            var node = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new();
            quartz.ConfigureScheduler(scheduler =>
            {
                // The node's name is its instance id, so Quartz's scheduler-state table names the nodes the way
                // the logs and the Cluster page do; it must be unique in the cluster (README).
                scheduler.InstanceId = node.EffectiveNodeName;
                // Many probe triggers fall due together: take every due trigger up to a thread pool's worth in one
                // round trip (0 = Quartz's automatic size, the pool's on a database; said here because probe
                // throughput depends on it). No fire-ahead window: a batch never fires a test early.
                // Runs ~one interval late (0.3-2 % of 10 s runs in TwoNodeScheduleTests at load 20-50, earlier) were blamed on
                // Quartz 4.7.3 mixing due and not-yet-due triggers in one batch. Its source (Quartz.dll 4.7.3, decompiled) says
                // otherwise: AdoJobStoreBase.ClaimAndReadWithoutLock / AcquireNextTrigger end a batch at the first candidate
                // (NEXT_FIRE_TIME ASC) later than max(now, first candidate's fire time) + this window, so with a window of 0 a
                // batch is either all due or all at the first one's fire time; AcquireAndFireDue fires the due part at once
                // (IsDue: fire time <= the clock read as the first claim is reserved) and QuartzSchedulerThread.Run waits for
                // the pending part until triggers[0].NextFireTimeUtc, the earliest of it, then TriggersFired(all). A split is
                // only microseconds wide and nothing there waits an interval. The latest runs (2026-11-29, load 11-18) did not
                // reproduce the late runs with this configuration: 0 of 2,403 late both before and after the start-up
                // scheduling change, and 0 Quartz fires more than 2 s after their scheduled time (FireTimeUtc, logged by a
                // diagnostic in ProbeRunJob for one run). Their cause is not established, so nothing was changed for them.
                // A batch of 1 could not keep up with 200 tests at 10 s on two loaded nodes (p50 start lag 56 s).
                scheduler.MaxBatchSize = 0;
                scheduler.BatchTriggerAcquisitionFireAheadTimeWindow = TimeSpan.Zero;
            });
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(configuration.GetConnectionString("Console")!);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = CheckinInterval;
                    cluster.CheckinMisfireThreshold = CheckinMisfireThreshold;
                });
                store.ConfigureStore(options => options.TablePrefix = QuartzSchema.TablePrefix);
            });
        });
        if (provider == DatabaseProvider.Postgres)
        {
            // A declared job or trigger already in the database (put there by the first node) is left as it is:
            // a node starting must not reset the cluster's schedule. (Declared triggers carry fixed keys for this.)
            builder.Services.Configure<QuartzOptions>(options => options.Scheduling.IgnoreDuplicates = true);
            // ...unless this node is configured with another interval: then its own replaces the stored one.
            builder.Services.AddHostedService<DeclaredTriggerSync>();
        }
        builder.Services.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
        Infrastructure.Shutdown.SchedulerStopDeadline.Apply(builder.Services);
        return builder;
    }
}
