using System.Collections.Concurrent;
using System.Threading.Channels;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.ProbeLocations.Agents.Runtime;

/// <summary>
/// The agent's tests, held in memory as the console sends them (<see cref="Apply"/>), each run at its aligned fire times
/// (<see cref="TestAssignment.NextFireTime"/>, the same instants whichever member runs it) with the console's runners,
/// at most <see cref="ProbeAgentOptions.MaxConcurrency"/> at once; a run due while the previous one of the same test still
/// goes is skipped, a fire missed by more than an interval is not caught up. Results go to the spool. The tests keep
/// running while the console is away: the agent runs what it was last given.
/// </summary>
public sealed class AgentTestTimers(IEnumerable<IProbeRunner> runners, AgentSpool spool, ProbeAgentOptions options, TimeProvider time,
    ILogger<AgentTestTimers> logger) : BackgroundService
{
    private readonly Dictionary<ProbeType, IProbeRunner> _runners = runners.ToDictionary(r => r.Type);
    private readonly object _lock = new();
    private readonly Dictionary<int, Held> _tests = [];
    private readonly PriorityQueue<(int Id, long Generation), DateTimeOffset> _due = new();
    private readonly ConcurrentDictionary<int, byte> _running = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrency, options.MaxConcurrency);
    private long _generation;
    private long _skipped;

    private sealed record Held(AgentTest Test, long Generation);

    public int Count
    {
        get { lock (_lock) return _tests.Count; }
    }

    public long SkippedOverlap => Interlocked.Read(ref _skipped);

    /// <summary>Whether the console last said these tests may move to another agent while this one cannot reach it (<see cref="AgentTestsChange.MayMove"/>).</summary>
    public bool MayMove { get; private set; }

    /// <summary>
    /// Stops every test (the agent lost the console for <see cref="AgentProtocol.FenceAfter"/> and its tests may move): another
    /// node hands them to another agent of the location, and the console sends this agent its list again when it is back.
    /// </summary>
    public void Fence()
    {
        int count;
        lock (_lock)
        {
            count = _tests.Count;
            _tests.Clear();
        }
        if (count > 0) logger.LogWarning("Stopped running {Count} tests: the console has been unreachable for {Seconds:F0} s and other agents of the location take them over",
            count, AgentProtocol.FenceAfter.TotalSeconds);
        _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// Applies the console's change: a full list replaces what is held; an update of a test already running keeps its timer
    /// (at a new interval it moves to the new aligned times); a new test starts at its first aligned time after its start delay.
    /// </summary>
    public void Apply(AgentTestsChange change)
    {
        var now = time.GetUtcNow();
        MayMove = change.MayMove;
        lock (_lock)
        {
            if (change.Full)
            {
                var keep = change.Upserts.Select(t => t.Id).ToHashSet();
                foreach (var id in _tests.Keys.Where(id => !keep.Contains(id)).ToList()) _tests.Remove(id);
            }
            foreach (var id in change.Deletes) _tests.Remove(id);
            foreach (var test in change.Upserts)
            {
                if (test.FrequencySeconds < 1) continue;
                if (_tests.TryGetValue(test.Id, out var held) && held.Test.FrequencySeconds == test.FrequencySeconds)
                {
                    _tests[test.Id] = held with { Test = test };
                    continue;
                }
                var generation = ++_generation;
                _tests[test.Id] = new Held(test, generation);
                var notBefore = held is null ? now + TimeSpan.FromMilliseconds(Math.Max(0, test.StartDelayMs)) : now;
                _due.Enqueue((test.Id, generation), TestAssignment.NextFireTime(test.Id, test.FrequencySeconds, notBefore));
            }
        }
        logger.LogInformation("Tests from the console ({Kind}): {Upserts} added or updated, {Deletes} removed; {Count} held",
            change.Full ? "full list" : "changes", change.Upserts.Count, change.Deletes.Count, Count);
        _wake.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = FireDue(stoppingToken);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timer.CancelAfter(wait);
            try
            {
                await _wake.Reader.ReadAsync(timer.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The next fire is due.
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Starts every run that is due, queues each test's next fire; returns how long until the next one.</summary>
    private TimeSpan FireDue(CancellationToken stoppingToken)
    {
        lock (_lock)
        {
            while (_due.TryPeek(out var entry, out var at))
            {
                var now = time.GetUtcNow();
                if (at > now) return at - now;
                _due.Dequeue();
                // A test removed, or re-timed at a new interval, has a newer entry (or none): this one is stale.
                if (!_tests.TryGetValue(entry.Id, out var held) || held.Generation != entry.Generation) continue;
                var interval = TimeSpan.FromSeconds(held.Test.FrequencySeconds);
                if (now - at < interval) Start(held.Test, at, stoppingToken);
                _due.Enqueue(entry, TestAssignment.NextFireTime(entry.Id, held.Test.FrequencySeconds, Max(at + interval, now)));
            }
        }
        return TimeSpan.FromMinutes(1);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Start(AgentTest test, DateTimeOffset scheduledAt, CancellationToken stoppingToken)
    {
        if (!_running.TryAdd(test.Id, 0))
        {
            Interlocked.Increment(ref _skipped);
            logger.LogWarning("Run of test {TestId} skipped: the previous run still goes", test.Id);
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await _slots.WaitAsync(stoppingToken);
                try
                {
                    await RunAsync(test, scheduledAt, stoppingToken);
                }
                finally
                {
                    _slots.Release();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            finally
            {
                _running.TryRemove(test.Id, out _);
            }
        }, CancellationToken.None);
    }

    private async Task RunAsync(AgentTest test, DateTimeOffset scheduledAt, CancellationToken stoppingToken)
    {
        var lag = (time.GetUtcNow() - scheduledAt).TotalMilliseconds;
        // The agent's own link-local allow-list, never the console's: the guard inside the runners reads it from the spec.
        var spec = test.Spec with { TestId = test.Id, SourceInstanceId = null, SourceRegion = null, LinkLocalAllowList = options.LinkLocalAllowList };
        if (!_runners.TryGetValue(spec.Type, out var runner))
        {
            logger.LogWarning("Test {TestId}: this agent has no runner for {Type}", test.Id, spec.Type);
            return;
        }
        var outcome = await SafeProbeRun.RunAsync(runner.RunAsync, spec, time, logger, stoppingToken);
        spool.Add(AgentResult.Of(test.Id, scheduledAt, lag, outcome));
    }
}
