using BlazorAwsConsole.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using Quartz.Extensibility;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// The timers of the tests this node owns: a Quartz scheduler of its own with the in-memory store (on SQLite and on
/// PostgreSQL alike), one trigger per owned enabled test, firing at the test's aligned times
/// (<see cref="TestAssignment.NextFireTime"/>: its phase, hash(id) mod interval, from the Unix epoch), so the owner is
/// whichever node, the instants are the same. The clustered store never holds a per-test trigger. A test that is no
/// longer owned (a member joined, this node fenced itself, the test was paused or deleted) loses its trigger at once;
/// one that becomes owned from a member still live (a join) starts after the settle time (<see cref="ClusterMembership.Settle"/>),
/// one taken from a dead member at its next aligned time.
/// A save reschedules that one test at once (no restart) and runs it within half an interval.
/// </summary>
public sealed class ProbeScheduler(ProbeCatalog catalog, ClusterMembership membership, IServiceProvider services, IOptionsMonitor<ProbeOptions> options,
    TimeProvider time, ILogger<ProbeScheduler> logger) : IAsyncDisposable
{
    public static readonly JobKey JobKey = new("probe-run", "probes");

    private const string TriggerPrefix = "test-";
    private const string SoonPrefix = "soon-";

    /// <summary>
    /// A save runs the test this long after it, unless its next aligned run comes within half an interval anyway: so two
    /// runs of a test are never closer than half an interval, a save included.
    /// </summary>
    private static readonly TimeSpan SoonDelay = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _gate = new(1, 1);
    // The tests with a trigger on this node's timers, with the interval it fires at.
    private readonly Dictionary<int, int> _scheduled = [];
    private IScheduler? _scheduler;
    private bool _stopped;

    internal static TriggerKey TriggerOf(int testId) => new($"{TriggerPrefix}{testId}", JobKey.Group);

    /// <summary>Whether a trigger is a save's early run (not one of the test's aligned runs).</summary>
    internal static bool IsSoon(TriggerKey key) => key.Name.StartsWith(SoonPrefix, StringComparison.Ordinal);

    /// <summary>The tests on this node's timers now (tests read it).</summary>
    internal IReadOnlyList<int> Owned
    {
        get
        {
            _gate.Wait();
            try { return [.. _scheduled.Keys]; }
            finally { _gate.Release(); }
        }
    }

    /// <summary>The test timers' scheduler (tests only read it).</summary>
    internal IScheduler? Timers => _scheduler;

    /// <summary>
    /// Brings the timers in line with what this node owns now: triggers of tests no longer owned (or paused, deleted) are
    /// removed, owned enabled tests without one get one (first run: the next aligned time, after the settle time when the
    /// test came with a change of members), and a test whose interval changed is rescheduled.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.RunOnSchedule) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_stopped) return;
            var scheduler = await TimersAsync(cancellationToken);
            var wanted = catalog.Tests.Where(Mine).ToDictionary(t => t.Id);
            var stale = _scheduled.Where(s => !wanted.TryGetValue(s.Key, out var test) || test.FrequencySeconds != s.Value).Select(s => s.Key).ToList();
            if (stale.Count > 0)
            {
                await scheduler.UnscheduleJobs([.. stale.SelectMany(id => new[] { TriggerOf(id), SoonOf(id) })], cancellationToken);
                foreach (var id in stale) _scheduled.Remove(id);
            }
            var notBefore = NotBefore();
            var now = time.GetUtcNow();
            var view = membership.View;
            var added = wanted.Values.Where(t => !_scheduled.ContainsKey(t.Id)).ToList();
            if (added.Count > 0)
            {
                var job = await JobAsync(scheduler, cancellationToken);
                foreach (var chunk in added.Chunk(1000))
                {
                    await scheduler.ScheduleJob(job, [.. chunk.Select(t => Trigger(t, view.TakenFromDead(t.Id) ? now : notBefore))], ScheduleJobOptions.Replacing, cancellationToken);
                    foreach (var test in chunk) _scheduled[test.Id] = test.FrequencySeconds;
                }
            }
            membership.SetTestsOwned(_scheduled.Count);
            if (stale.Count > 0 || added.Count > 0)
            {
                logger.LogInformation("Synthetic tests on this node: {Owned} owned, {Added} started (first runs from {NotBefore:O}), {Removed} stopped",
                    _scheduled.Count, added.Count, notBefore, stale.Count);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Enabled, run from this node's location, and this node's share of that location's tests.</summary>
    private bool Mine(SyntheticTest test) => test.Enabled && test.RunsFrom(membership.Location, membership.Location) && membership.Owns(test.Id);

    /// <summary>At start-up: the tests this node owns now (none before its first heartbeat; the heartbeat re-balances then).</summary>
    public Task ScheduleAllAsync(CancellationToken cancellationToken) => ReconcileAsync(cancellationToken);

    /// <summary>
    /// After a save here, or a notice that another node saved it: the owner keeps (or starts) the test at its aligned times,
    /// at the new interval, and runs it within half an interval (at once, when its next aligned time is further); a paused,
    /// deleted or not owned test stops here.
    /// </summary>
    public async Task RescheduleAsync(int testId, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.RunOnSchedule) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_stopped) return;
            var scheduler = await TimersAsync(cancellationToken);
            await scheduler.UnscheduleJobs([TriggerOf(testId), SoonOf(testId)], cancellationToken);
            _scheduled.Remove(testId);
            if (catalog.Find(testId) is { } test && Mine(test))
            {
                var job = await JobAsync(scheduler, cancellationToken);
                var notBefore = NotBefore();
                var trigger = Trigger(test, notBefore);
                List<ITrigger> triggers = [trigger];
                var soon = time.GetUtcNow() + SoonDelay;
                if (soon >= notBefore && trigger.StartTimeUtc - soon > TimeSpan.FromSeconds(test.FrequencySeconds / 2.0))
                {
                    triggers.Add(TriggerBuilder.Create().WithIdentity(SoonOf(testId)).ForJob(JobKey).UsingJobData(ProbeRunJob.TestIdKey, testId)
                        .StartAt(soon).WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build());
                }
                await scheduler.ScheduleJob(job, triggers, ScheduleJobOptions.Replacing, cancellationToken);
                _scheduled[testId] = test.FrequencySeconds;
            }
            membership.SetTestsOwned(_scheduled.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>When a test is next due on this node; null when this node does not run it.</summary>
    public async Task<DateTimeOffset?> NextRunAsync(int testId, CancellationToken cancellationToken)
    {
        if (_scheduler is not { } scheduler) return null;
        return (await scheduler.GetTrigger(TriggerOf(testId), cancellationToken))?.NextFireTimeUtc;
    }

    /// <summary>Stops every test timer (this node is stopping); queued runs are the engine's to drop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopped = true;
            _scheduled.Clear();
            membership.SetTestsOwned(0);
            if (_scheduler is { } scheduler) await scheduler.Shutdown(waitForJobsToComplete: false, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_scheduler is { } scheduler && !_stopped) await scheduler.Shutdown(waitForJobsToComplete: false);
        _gate.Dispose();
    }

    /// <summary>The earliest a test that comes to this node now may run: after the settle time of the last change of members.</summary>
    private DateTimeOffset NotBefore()
    {
        var now = time.GetUtcNow();
        var settled = membership.LastRebalance + membership.Settle;
        return settled > now ? settled : now;
    }

    private static TriggerKey SoonOf(int testId) => new($"{SoonPrefix}{testId}", JobKey.Group);

    private static ITrigger Trigger(SyntheticTest test, DateTimeOffset notBefore) => TriggerBuilder.Create()
        .WithIdentity(TriggerOf(test.Id))
        .ForJob(JobKey)
        .UsingJobData(ProbeRunJob.TestIdKey, test.Id)
        .StartAt(TestAssignment.NextFireTime(test.Id, test.FrequencySeconds, notBefore))
        .WithSimpleSchedule(s => s
            .WithInterval(TimeSpan.FromSeconds(test.FrequencySeconds))
            .RepeatForever()
            // A run that could not fire on time is skipped, not caught up; the next stays on the aligned times.
            .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
        .Build();

    private static async Task<IJobDetail> JobAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        if (await scheduler.GetJobDetail(JobKey, cancellationToken) is { } job) return job;
        job = ProbeRunJob.Detail();
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);
        return job;
    }

    /// <summary>
    /// The timers' own scheduler: the in-memory store, a unique name (several consoles share a process in the tests), the
    /// app's DI job factory. One round fires every trigger due within the next 5 ms, up to Quartz's 10 threads: one round
    /// per trigger meant a timed wait, a timer and a thread wake-up for each of 833 runs a second at 50,000 tests a minute
    /// (issue 13). So a run may start up to 5 ms before its time, well inside Quartz's own lateness.
    /// </summary>
    private async Task<IScheduler> TimersAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is { } existing) return existing;
        var jobs = services.GetRequiredService<IJobFactory>();
        var scheduler = await QuartzSchedulerBuilder.Create(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = $"tests-{membership.Self}-{Guid.NewGuid():n}";
                scheduler.MaxBatchSize = 10;
                scheduler.BatchTriggerAcquisitionFireAheadTimeWindow = TimeSpan.FromMilliseconds(5);
            });
            quartz.UseInMemoryStore(_ => { });
            quartz.UseDefaultThreadPool(10);
            quartz.UseJobFactory(jobs);
        }).BuildScheduler(cancellationToken);
        await scheduler.Start(cancellationToken);
        _scheduler = scheduler;
        return scheduler;
    }
}

/// <summary>
/// Hands a due test to the engine; does no work itself, so Quartz's threads are never held by a probe. It runs a test only
/// while this node owns it (checked at the fire: the moment this node learns of a change, or fences itself, its old
/// triggers fire nothing). A test this node has not heard of yet is read from the database, one query.
/// </summary>
public sealed class ProbeRunJob(ProbeEngine engine, ProbeCatalog catalog, ClusterMembership membership, IDbContextFactory<Infrastructure.ConsoleDbContext> contexts) : IJob
{
    public const string TestIdKey = "testId";

    /// <summary>The one durable job every test's trigger fires on the test timers.</summary>
    public static IJobDetail Detail() => JobBuilder.Create<ProbeRunJob>().WithIdentity(ProbeScheduler.JobKey).StoreDurably().Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var testId = context.MergedJobDataMap.GetInt(TestIdKey);
        if (!membership.Owns(testId)) return;
        if (catalog.Find(testId) is null) await catalog.ReadAsync(contexts, testId, cancellationToken);
        // A save's early run that fired late (a loaded machine): when its next aligned run is now within half an interval,
        // that one is enough, so two runs stay at least half an interval apart.
        if (ProbeScheduler.IsSoon(context.Trigger.Key) && catalog.Find(testId) is { } test
            && TestAssignment.NextFireTime(testId, test.FrequencySeconds, context.FireTimeUtc) - context.FireTimeUtc < TimeSpan.FromSeconds(test.FrequencySeconds / 2.0))
        {
            return;
        }
        membership.CountRun();
        engine.TryEnqueue(new ProbeRequest(testId, context.ScheduledFireTimeUtc));
    }
}
