using System.Diagnostics;
using BlazorAwsConsole.Probes;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>The console's engine on one probe type: runs completed and stored per second, and the CPU it took.</summary>
internal sealed record EngineFigure(double ProbesPerSecond, long Stored, long Failed, string? FailureReason, double CpuMicrosecondsPerProbe, long SkippedOverlap, long SkippedQueueFull);

/// <summary>
/// Feeds the real ProbeEngine directly, as Quartz's job does (TryEnqueue with a scheduled time), with
/// many distinct tests of one type, and re-enqueues each test as soon as its result is stored, so the
/// queue never runs dry and a test never overlaps itself. Counts what the batched writer stored.
/// </summary>
internal sealed class EngineThroughput
{
    public const int MaxConcurrency = 32;
    public const int TestsPerType = 4_000;

    private readonly ProbeConsole _console;
    private volatile bool _feeding;
    private ProbeType _type;
    private long _failed;
    private string? _failureReason;

    public EngineThroughput(ProbeConsole console)
    {
        _console = console;
        _console.Writer.BatchStored += OnStored;
    }

    /// <summary>Console settings for this measurement: 32 workers, no schedules (the benchmark is the only feeder).</summary>
    public static IEnumerable<string> Settings =>
        [$"Probes:MaxConcurrency={MaxConcurrency}", "Probes:RunOnSchedule=false"];

    /// <summary>Tests of the warm-up pass, per type (their own tests: the timed pass starts on fresh ones).</summary>
    public const int WarmUpTestsPerType = 500;

    /// <summary>
    /// The untimed warm-up pass before any timed one: a short round of this type through the whole console, so JIT
    /// tiering and the console's start-up work are paid here and not by the first type timed (HTTP's row used to
    /// carry them: 255–277 µs of CPU per probe where the runner alone costs ~140 µs).
    /// </summary>
    public Task<EngineFigure> WarmUpAsync(ProbeKind kind, TimeSpan time, CancellationToken cancellationToken) =>
        MeasureAsync(kind, WarmUpTestsPerType, TimeSpan.Zero, time, cancellationToken);

    public Task<EngineFigure> MeasureAsync(ProbeKind kind, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken) =>
        MeasureAsync(kind, TestsPerType, warmUp, duration, cancellationToken);

    private async Task<EngineFigure> MeasureAsync(ProbeKind kind, int testCount, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var tests = await _console.AddTestsAsync(Enumerable.Range(1, testCount).Select(kind.NewTest), cancellationToken);
        var engine = _console.Engine;
        var writer = _console.Writer;
        var overlap0 = engine.SkippedOverlap;
        var full0 = engine.SkippedQueueFull;
        _type = kind.Type;
        _feeding = true;
        foreach (var test in tests) engine.TryEnqueue(new ProbeRequest(test.Id, DateTimeOffset.UtcNow));

        await Task.Delay(warmUp, cancellationToken);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var stored0 = writer.Stored;
        Interlocked.Exchange(ref _failed, 0);
        _failureReason = null;
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration, cancellationToken);
        var stored = writer.Stored - stored0;
        var failed = Interlocked.Read(ref _failed);
        var elapsed = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;

        _feeding = false;
        await DrainAsync(cancellationToken);
        return new EngineFigure(stored / elapsed.TotalSeconds, stored, failed, _failureReason,
            stored == 0 ? 0 : cpu.TotalMicroseconds / stored,
            engine.SkippedOverlap - overlap0, engine.SkippedQueueFull - full0);
    }

    /// <summary>Waits until the runs still queued or running are stored (nothing stored for a second).</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var last = -1L;
        while (_console.Engine.Running > 0 || _console.Writer.Stored != last)
        {
            last = _console.Writer.Stored;
            await Task.Delay(1000, cancellationToken);
        }
    }

    private void OnStored(IReadOnlyList<ProbeResult> results)
    {
        foreach (var result in results)
        {
            if (result.Type != _type) continue;
            if (!result.Success)
            {
                Interlocked.Increment(ref _failed);
                _failureReason ??= result.Reason;
            }
            if (_feeding) _console.Engine.TryEnqueue(new ProbeRequest(result.TestId, DateTimeOffset.UtcNow));
        }
    }
}
