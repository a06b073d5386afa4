using System.Collections.Concurrent;
using System.Threading.Channels;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Probes;

/// <summary>One run to make: scheduled by Quartz (with its scheduled time) or asked for ('run now').</summary>
public sealed record ProbeRequest(int TestId, DateTimeOffset? ScheduledAt, TaskCompletionSource<ProbeResult?>? Completion = null);

/// <summary>
/// The console's probe pipeline: Quartz decides what is due and hands the run over here at once;
/// a bounded queue and a fixed number of workers run it (bounded concurrency, setting
/// Probes:MaxConcurrency), and the results go to the batched writer. A test never runs twice at
/// once: a run that comes due while the previous one still runs is skipped and counted.
/// </summary>
public sealed class ProbeEngine : BackgroundService
{
    private readonly Channel<ProbeRequest> _queue;
    private readonly ConcurrentDictionary<int, byte> _running = new();
    private readonly Dictionary<ProbeType, IProbeRunner> _runners;
    private readonly ProbeCatalog _catalog;
    private readonly ProbeStatusBoard _board;
    private readonly ProbeResultWriter _writer;
    private readonly IOptionsMonitor<ProbeOptions> _options;
    private readonly Ssm.SsmProbeRunner _ssm;
    private readonly TimeProvider _time;
    private readonly Cluster.ClusterMembership _membership;
    private readonly ILogger<ProbeEngine> _logger;
    private long _skippedOverlap;
    private long _skippedFull;
    private long _finished;
    private long _abandoned;
    private long _lastScheduledStartTicks;
    // Cancelled a grace period after shutdown began: the probes still running then are abandoned.
    private readonly CancellationTokenSource _abandon = new();

    public ProbeEngine(IEnumerable<IProbeRunner> runners, ProbeCatalog catalog, ProbeStatusBoard board, ProbeResultWriter writer,
        IOptionsMonitor<ProbeOptions> options, Ssm.SsmProbeRunner ssm, TimeProvider time, Cluster.ClusterMembership membership, ILogger<ProbeEngine> logger)
    {
        _membership = membership;
        _runners = runners.ToDictionary(r => r.Type);
        _catalog = catalog;
        _board = board;
        _writer = writer;
        _options = options;
        _ssm = ssm;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<ProbeRequest>(new BoundedChannelOptions(options.CurrentValue.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails instead of dropping, so a skip is always counted
        });
    }

    /// <summary>Runs skipped because the previous run of the same test was still going.</summary>
    public long SkippedOverlap => Interlocked.Read(ref _skippedOverlap);

    /// <summary>Runs skipped because the queue was full (the engine is behind).</summary>
    public long SkippedQueueFull => Interlocked.Read(ref _skippedFull);

    public int Running => _running.Count;

    /// <summary>Runs that ended with a result handed to the writer since start (each is stored).</summary>
    public long Finished => Interlocked.Read(ref _finished);

    /// <summary>
    /// When this node last began a scheduled run (after it checked that it owns the test): what a fenced node must not
    /// move past its fencing time. Null before the first.
    /// </summary>
    public DateTimeOffset? LastScheduledStart => Interlocked.Read(ref _lastScheduledStartTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Hands a run to the workers; false when the queue is full (counted).</summary>
    public bool TryEnqueue(ProbeRequest request)
    {
        if (_queue.Writer.TryWrite(request)) return true;
        Interlocked.Increment(ref _skippedFull);
        _logger.LogWarning("Probe queue full: run of test {TestId} skipped", request.TestId);
        request.Completion?.TrySetResult(null);
        return false;
    }

    /// <summary>Runs a test now and returns its stored result (null if it was already running or the test is gone).</summary>
    public async Task<ProbeResult?> RunNowAsync(int testId, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<ProbeResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!TryEnqueue(new ProbeRequest(testId, null, completion))) return null;
        return await completion.Task.WaitAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.CurrentValue.MaxConcurrency).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));

    /// <summary>
    /// Shutdown: workers take no new run (the stopping token ends their loop), the runs in flight get
    /// Probes:ShutdownGraceSeconds to finish and are abandoned after it, and what is still queued is
    /// dropped. Every run that finished has its result handed to the writer, which stops after this.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var inFlight = _running.Count;
        _abandon.CancelAfter(TimeSpan.FromSeconds(_options.CurrentValue.ShutdownGraceSeconds));
        await base.StopAsync(cancellationToken);
        var dropped = 0;
        while (_queue.Reader.TryRead(out var queued))
        {
            dropped++;
            queued.Completion?.TrySetResult(null);
        }
        _logger.LogInformation("Probe engine stopped: {Finished} runs finished since start, {InFlight} were in flight at shutdown, {Abandoned} abandoned after the grace period, {Dropped} queued runs dropped",
            Finished, inFlight, Interlocked.Read(ref _abandoned), dropped);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(request, _abandon.Token);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(ProbeRequest request, CancellationToken stoppingToken)
    {
        var test = _catalog.Find(request.TestId);
        // A scheduled fire of a test that no longer runs from here (paused, its locations changed, or this node no longer
        // owns it: it fenced itself or the members changed while the fire waited in the queue) runs nothing.
        var here = _options.CurrentValue.LocationName;
        if (test is null || request.ScheduledAt is not null && (!test.Enabled || !test.RunsFrom(here, here) || !_membership.Owns(test.Id)))
        {
            request.Completion?.TrySetResult(null);
            return;
        }
        if (!_running.TryAdd(test.Id, 0))
        {
            Interlocked.Increment(ref _skippedOverlap);
            request.Completion?.TrySetResult(null);
            return;
        }
        if (request.ScheduledAt is not null) Interlocked.Exchange(ref _lastScheduledStartTicks, _time.GetUtcNow().UtcTicks);
        try
        {
            var lag = request.ScheduledAt is { } scheduled ? (_time.GetUtcNow() - scheduled).TotalMilliseconds : (double?)null;
            var spec = test.ToSpec(_options.CurrentValue.LinkLocalAllowList);
            ProbeOutcome outcome;
            try
            {
                outcome = await RunSafelyAsync(spec, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _abandoned);
                request.Completion?.TrySetResult(null);
                return;
            }
            if (outcome.Traceroute is { } trace)
            {
                outcome = outcome with { Traceroute = trace with { RouteChanged = _board.RouteChanged(test.Id, _options.CurrentValue.LocationName, trace) } };
            }
            var result = ProbeResult.From(test.Id, test.Type, outcome, test.SourceInstanceId ?? ProbeResult.ConsoleSource, lag, test.DegradedAboveMs, request.ScheduledAt,
                _options.CurrentValue.LocationName);
            // Not cancellable: a finished run is always stored, also when shutdown began while it ran.
            await _writer.WriteAsync(result, request.Completion, CancellationToken.None);
            Interlocked.Increment(ref _finished);
        }
        finally
        {
            _running.TryRemove(test.Id, out _);
        }
    }

    private Task<ProbeOutcome> RunSafelyAsync(ProbeSpec spec, CancellationToken stoppingToken) =>
        SafeProbeRun.RunAsync(spec.SourceInstanceId is not null ? _ssm.RunAsync : _runners[spec.Type].RunAsync, spec, _time, _logger, stoppingToken);
}
