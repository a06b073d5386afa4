using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Keeps one Quartz trigger per enabled test, at the test's frequency. On SQLite triggers live in memory
/// and are made afresh at start-up with their first run spread over the first interval, so runs missed
/// while the console was down are never replayed in a burst; on PostgreSQL they live in Quartz's clustered
/// store and a starting node adds only what is missing. A save, pause or delete reschedules
/// that one test at once (no restart).
/// </summary>
public sealed class ProbeScheduler(ISchedulerFactory schedulers, ProbeCatalog catalog, IOptionsMonitor<ProbeOptions> options, TimeProvider time, ILogger<ProbeScheduler> logger)
{
    public static readonly JobKey JobKey = new("probe-run", "probes");

    private const string TriggerPrefix = "test-";

    private static TriggerKey TriggerOf(int testId) => new($"{TriggerPrefix}{testId}", JobKey.Group);

    /// <summary>
    /// How many triggers one store call writes: on the clustered store one transaction under Quartz's trigger lock
    /// each, instead of one per trigger; a few hundred a call keep each lock hold short, so the nodes of a running
    /// cluster fire between two chunks (soak at load 10: a node with 10,000 tests ready after 43 s instead of 179 s).
    /// </summary>
    public const int StoreChunk = 250;

    /// <summary>The first chunk: small, so that its triggers, stored before the store's pace is known, are few.</summary>
    public const int FirstChunk = 25;

    /// <summary>
    /// Schedules every enabled test that has no trigger yet (or whose trigger has another interval), first runs
    /// spread so a restart never fires them all at once. On a clustered store the triggers outlive a node, so a
    /// node starting keeps the ones the cluster already runs instead of resetting them; triggers of tests that
    /// are gone or paused are removed.
    /// </summary>
    /// <remarks>
    /// Triggers are stored <see cref="StoreChunk"/> at a time, each test's first run its offset after the moment the
    /// store is expected to end. A first run computed from a time taken before a long store is past by the time its
    /// trigger lands, and Quartz then starts it at once (a past start of a repeating simple trigger becomes "now"): 10,000
    /// tests stored one call each (30–45 s) fired their late part together and a single node dragged that burst along
    /// as a backlog.
    /// </remarks>
    public async Task ScheduleAllAsync(CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.RunOnSchedule) return;
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var wanted = catalog.Tests.Where(t => t.Enabled).ToDictionary(t => TriggerOf(t.Id));
        var existing = (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(JobKey.Group), cancellationToken))
            .Where(k => k.Name.StartsWith(TriggerPrefix, StringComparison.Ordinal))
            .ToList();
        var stale = existing.Where(k => !wanted.ContainsKey(k)).ToList();
        var removed = stale.Count == 0 ? 0 : (await scheduler.UnscheduleJobs(stale, cancellationToken)).Count;
        var kept = new HashSet<TriggerKey>();
        foreach (var chunk in existing.Where(wanted.ContainsKey).Chunk(StoreChunk * 4))
        {
            foreach (var current in await scheduler.GetTriggers(chunk, cancellationToken))
            {
                if (current is ISimpleTrigger simple && simple.RepeatInterval == TimeSpan.FromSeconds(wanted[current.Key].FrequencySeconds)) kept.Add(current.Key);
            }
        }
        var missing = wanted.Where(w => !kept.Contains(w.Key)).Select(w => w.Value).ToList();
        var job = await scheduler.GetJobDetail(JobKey, cancellationToken) ?? ProbeRunJob.Detail();
        // First runs are spread from when the whole store is expected to end, not from when it began: a node that is
        // starting runs its scheduler only once everything is stored (10,000 triggers: tens of seconds on a loaded
        // database), so a first run due before then would fire late, together with every other one due by then. The
        // end is estimated from the chunks stored so far; a small first chunk measures the store's pace.
        var perTrigger = TimeSpan.Zero;
        var left = missing.Count;
        foreach (var chunk in Chunks(missing))
        {
            var now = time.GetUtcNow();
            var storeEnd = now + perTrigger * left;
            var triggers = chunk.Select(test => Trigger(test, storeEnd + FirstRunOffset(test))).ToList();
            await scheduler.ScheduleJob(job, triggers, ScheduleJobOptions.Replacing, cancellationToken);
            perTrigger = (time.GetUtcNow() - now) / chunk.Length;
            left -= chunk.Length;
        }
        logger.LogInformation("Synthetic tests: {Scheduled} scheduled, {Kept} already scheduled, {Removed} stale trigger(s) removed", missing.Count, kept.Count, removed);
    }

    /// <summary>A first chunk of <see cref="FirstChunk"/> (it measures the store's pace), then chunks of <see cref="StoreChunk"/>.</summary>
    private static IEnumerable<SyntheticTest[]> Chunks(List<SyntheticTest> tests) =>
        tests.Take(FirstChunk).Chunk(FirstChunk).Concat(tests.Skip(FirstChunk).Chunk(StoreChunk));

    /// <summary>After a save: the test runs soon and then at its frequency; a paused or deleted test stops.</summary>
    public async Task RescheduleAsync(int testId, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.RunOnSchedule) return;
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.UnscheduleJob(TriggerOf(testId), cancellationToken);
        if (catalog.Find(testId) is { Enabled: true } test)
        {
            await scheduler.ScheduleJob(Trigger(test, time.GetUtcNow() + TimeSpan.FromSeconds(1)), ScheduleJobOptions.Replacing, cancellationToken);
        }
    }

    /// <summary>When a test is next due on this node; null when it is not scheduled.</summary>
    public async Task<DateTimeOffset?> NextRunAsync(int testId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return (await scheduler.GetTrigger(TriggerOf(testId), cancellationToken))?.NextFireTimeUtc;
    }

    private static ITrigger Trigger(SyntheticTest test, DateTimeOffset firstRun) => TriggerBuilder.Create()
        .WithIdentity(TriggerOf(test.Id))
        .ForJob(JobKey)
        .UsingJobData(ProbeRunJob.TestIdKey, test.Id)
        .StartAt(firstRun)
        .WithSimpleSchedule(s => s
            .WithInterval(TimeSpan.FromSeconds(test.FrequencySeconds))
            .RepeatForever()
            // A run that could not fire on time is skipped, not caught up.
            .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
        .Build();

    /// <summary>
    /// How long after its trigger is stored a test first runs: 1 s (so it is never due as it lands) plus an offset within
    /// the first interval (at most a minute), scattered by id so tests of one frequency are spread evenly.
    /// </summary>
    internal static TimeSpan FirstRunOffset(SyntheticTest test)
    {
        var window = (uint)Math.Min(test.FrequencySeconds, 60) * 1000;
        return TimeSpan.FromMilliseconds(1000 + unchecked((uint)test.Id * 2654435761u) % window);
    }
}

/// <summary>
/// Hands a due test to the engine; does no work itself, so Quartz's threads are never held by a probe. In a cluster
/// a trigger may fire on a node that has not heard of its test yet (made on another node a moment ago): the test is
/// read from the database then, one query, instead of the run being dropped.
/// </summary>
public sealed class ProbeRunJob(ProbeEngine engine, ProbeCatalog catalog, IDbContextFactory<Infrastructure.ConsoleDbContext> contexts) : IJob
{
    public const string TestIdKey = "testId";

    /// <summary>The one durable job every test's trigger fires, as ProbesFeature declares it.</summary>
    public static IJobDetail Detail() => JobBuilder.Create<ProbeRunJob>().WithIdentity(ProbeScheduler.JobKey).StoreDurably().Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var testId = context.MergedJobDataMap.GetInt(TestIdKey);
        if (catalog.Find(testId) is null) await catalog.ReadAsync(contexts, testId, cancellationToken);
        engine.TryEnqueue(new ProbeRequest(testId, context.ScheduledFireTimeUtc));
    }
}
