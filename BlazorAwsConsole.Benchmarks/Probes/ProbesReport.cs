namespace BlazorAwsConsole.Benchmarks.Probes;

internal sealed record ThroughputRow(string Type, EngineFigure Console, double Blackbox, long BlackboxChecked, long BlackboxFailed)
{
    public double Ratio => Console.ProbesPerSecond / Blackbox;
}

/// <summary>Prints the benchmark's figures with their goals.</summary>
internal static class ProbesReport
{
    public const double RatioGoal = 2.0;
    public const double LagP99GoalMs = 250;
    /// <summary>The soak's CPU goal: 30 % of the machine for the default 10,000 tests, 50 % for more (issue 13: 50,000 tests).</summary>
    public static double CpuShareGoal(int tests) => tests <= SchedulerSoak.DefaultTests ? 0.30 : 0.50;

    public static void PrintThroughput(IReadOnlyList<ThroughputRow> rows, long stored, long rowsInDatabase)
    {
        Console.WriteLine();
        Console.WriteLine($"probes/s on loopback, {BlackboxAnchor.Connections} at once (console: completed and stored; blackbox: completed, nothing stored)");
        Console.WriteLine($"{"type",-5} {"console",10} {"blackbox",10} {"ratio",7} {"goal",6}  {"CPU/probe",10} {"failed",7} {"skipped",8}  blackbox failed");
        foreach (var row in rows)
        {
            var c = row.Console;
            Console.WriteLine($"{row.Type,-5} {c.ProbesPerSecond,10:N0} {row.Blackbox,10:N0} {row.Ratio,7:0.00} {Verdict(row.Ratio >= RatioGoal),6}  {c.CpuMicrosecondsPerProbe,7:N0} µs {c.Failed,7:N0} {c.SkippedOverlap + c.SkippedQueueFull,8:N0}  {row.BlackboxFailed:N0} of {row.BlackboxChecked:N0} checked");
        }
        Console.WriteLine($"(console failed: of the runs stored in the timed window; blackbox failed: answers without probe_success 1 in a 3 s pass at the same load after wrk)");
        foreach (var row in rows.Where(r => r.Console.FailureReason is not null))
            Console.WriteLine($"{row.Type} failures, e.g.: {row.Console.FailureReason}");
        Console.WriteLine($"every result stored: {Verdict(stored == rowsInDatabase)} (writer stored {stored:N0}, rows in the database {rowsInDatabase:N0})");
    }

    public static void PrintSoak(SoakFigure s)
    {
        Console.WriteLine();
        Console.WriteLine($"scheduler: {s.Tests:N0} tests at 60 s for {s.Wall.TotalMinutes:0.0} min ({s.Fired / s.Wall.TotalSeconds:N0} runs/s)");
        Console.WriteLine($"  runs fired      {s.Fired,10:N0}   (misfired, not fired: {s.Misfired:N0})");
        Console.WriteLine($"  results stored  {s.Stored,10:N0}   (rows in the database: {s.RowsInDatabase:N0})");
        Console.WriteLine($"  skipped         {s.SkippedOverlap + s.SkippedQueueFull,10:N0}   (overlap {s.SkippedOverlap:N0}, queue full {s.SkippedQueueFull:N0})");
        Console.WriteLine($"  lost            {s.Lost,10:N0}   goal 0: {Verdict(s.Lost == 0 && s.Misfired == 0)}");
        Console.WriteLine($"  start lag       p50 {s.LagP50Ms:0.0} ms, p99 {s.LagP99Ms:0.0} ms, max {s.LagMaxMs:0.0} ms   goal p99 ≤ {LagP99GoalMs:0} ms: {Verdict(s.LagP99Ms <= LagP99GoalMs)}");
        Console.WriteLine($"    of which Quartz firing late: p99 {s.QuartzLagP99Ms:0.0} ms, max {s.QuartzLagMaxMs:0.0} ms (fire time − scheduled time, before the engine's queue)");
        Console.WriteLine($"    this process stalled (10 ms sleeps overrun): p99 {s.StallP99Ms:0.0} ms, max {s.StallMaxMs:0.0} ms; GC pauses {s.GcPauses.TotalMilliseconds:N0} ms in all, {s.Gen2Collections} gen2 collections");
        Console.WriteLine($"  CPU share       {s.CpuShare:P1} of {Environment.ProcessorCount} cores   goal ≤ {CpuShareGoal(s.Tests):P0}: {Verdict(s.CpuShare <= CpuShareGoal(s.Tests))}");
        // Per run, the figure to compare between runs on a shared machine: the share above also moves with what else runs (load average).
        Console.WriteLine($"  CPU per run     {s.CpuMicrosecondsPerRun:N0} µs   ({s.Cpu.TotalSeconds:N1} s of CPU in this process over {s.Fired:N0} runs; load average {s.LoadAverage})");
        foreach (var page in s.Renders)
            Console.WriteLine($"  page {page.Path,-11} p50 {page.P50Ms:N0} ms, max {page.MaxMs:N0} ms over {page.Requests} signed-in GETs ({page.Kilobytes:N0} KB) while the tests run   goal ≤ {PageRenders.GoalMs:N0} ms: {Verdict(page.MaxMs <= PageRenders.GoalMs)}");
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}
