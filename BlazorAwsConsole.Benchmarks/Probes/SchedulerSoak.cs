using System.Diagnostics;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>What the scheduler did over the soak.</summary>
internal sealed record SoakFigure(
    int Tests, TimeSpan Wall, long Fired, long Misfired, long Stored, long RowsInDatabase, long SkippedOverlap, long SkippedQueueFull,
    double LagP50Ms, double LagP99Ms, double LagMaxMs, double CpuShare, TimeSpan Cpu, string LoadAverage,
    double QuartzLagP99Ms, double QuartzLagMaxMs, double StallP99Ms, double StallMaxMs, TimeSpan GcPauses, int Gen2Collections,
    IReadOnlyList<PageRenderFigure> Renders)
{
    public long Lost => Fired - Stored - SkippedOverlap - SkippedQueueFull;

    /// <summary>This process's CPU time per fired run: unlike the share of the machine, it hardly moves when other processes load the cores.</summary>
    public double CpuMicrosecondsPerRun => Fired == 0 ? double.NaN : Cpu.TotalMicroseconds / Fired;
}

/// <summary>
/// 10,000 enabled TCP tests at 60 s, scheduled by the console's real ProbeScheduler on its real Quartz
/// scheduler with the app's settings (Probes:RunOnSchedule=true), left to run for the given minutes.
/// </summary>
internal static class SchedulerSoak
{
    public const int DefaultTests = 10_000;
    public const int FrequencySeconds = 60;
    private const int RenderRequests = 10;

    public static async Task<SoakFigure> RunAsync(string databaseFile, NginxTarget nginx, int tests, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var console = await ProbeConsole.StartAsync(databaseFile, ["Probes:RunOnSchedule=true"], cancellationToken);
        var fires = new FireCounter();

        await console.AddTestsAsync(Enumerable.Range(1, tests).Select(i => ProbeKind.PortTest(i, nginx.Port, FrequencySeconds)), cancellationToken);
        // What the console does at start-up for the tests it loads: one trigger each on the node's own test timers, at each test's aligned phase.
        await console.Get<ProbeScheduler>().ScheduleAllAsync(cancellationToken);
        // The tests' own scheduler (not the one of the declared jobs) fires them.
        var scheduler = console.Get<ProbeScheduler>().Timers ?? throw new InvalidOperationException("the test timers did not start");
        scheduler.ListenerManager.AddTriggerListener(fires, GroupMatcher<TriggerKey>.GroupEquals(ProbeScheduler.JobKey.Group));

        using var stalls = new StallWatch();
        var gcPause0 = GC.GetTotalPauseDuration();
        var gen2 = GC.CollectionCount(2);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var loadBefore = LoadAverage();
        var clock = Stopwatch.StartNew();
        IReadOnlyList<PageRenderFigure> renders = [];
        // One progress line a minute (and at the end when the soak is not whole minutes).
        for (var mark = TimeSpan.FromMinutes(1); ; mark += TimeSpan.FromMinutes(1))
        {
            var until = mark < duration ? mark : duration;
            var wait = until - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            Console.WriteLine($"  {clock.Elapsed.TotalMinutes:0.0} min: fired {fires.Fired:N0}, stored {console.Writer.Stored:N0}");
            // After the first minute every test has run, so the list and the dashboard show them all, while they go on running.
            if (renders.Count == 0) renders = await PageRenders.MeasureAsync(console, RenderRequests, cancellationToken);
            if (until == duration) break;
        }
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        var wall = clock.Elapsed;
        var loadAfter = LoadAverage();
        var gcPauses = GC.GetTotalPauseDuration() - gcPause0;
        gen2 = GC.CollectionCount(2) - gen2;
        var stalled = stalls.OverrunsMs();

        // Stop firing, then let every fired run finish and be stored before counting.
        await scheduler.Standby(cancellationToken);
        var engine = console.Engine;
        var settle = Stopwatch.StartNew();
        while (fires.Fired - console.Writer.Stored - engine.SkippedOverlap - engine.SkippedQueueFull > 0 && settle.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(200, cancellationToken);

        var lags = await LagsAsync(console, cancellationToken);
        var quartzLags = fires.FireLagsMs.ToArray();
        Array.Sort(quartzLags);
        return new SoakFigure(tests, wall, fires.Fired, fires.Misfired, console.Writer.Stored, lags.Length, engine.SkippedOverlap, engine.SkippedQueueFull,
            Percentile(lags, 0.50), Percentile(lags, 0.99), lags.Length == 0 ? double.NaN : lags[^1],
            cpu / (wall * Environment.ProcessorCount), cpu, $"{loadBefore} at the start, {loadAfter} at the end",
            Percentile(quartzLags, 0.99), quartzLags.Length == 0 ? double.NaN : quartzLags[^1],
            Percentile(stalled, 0.99), stalled.Length == 0 ? double.NaN : stalled[^1], gcPauses, gen2, renders);
    }

    /// <summary>Every stored run's start lag (actual start − scheduled start), sorted.</summary>
    private static async Task<double[]> LagsAsync(ProbeConsole console, CancellationToken cancellationToken)
    {
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(cancellationToken);
        var lags = await db.ProbeResults.Where(r => r.StartLagMs != null).Select(r => r.StartLagMs!.Value).ToArrayAsync(cancellationToken);
        Array.Sort(lags);
        return lags;
    }

    /// <summary>The machine's 1-minute load average (Linux), to read the CPU share against; "?" elsewhere.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
