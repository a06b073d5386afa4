namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>
/// The <c>cluster</c> mode: the console on PostgreSQL at scale, in two parts that also run alone (<c>--only</c>): the
/// scheduler soak (<see cref="ClusterSoak"/>: SQLite one node, PostgreSQL one node, then two) and the results table at
/// scale (<see cref="ResultsAtScale"/>); and, asked for alone, the capacity search (<see cref="ClusterCapacity"/>).
/// </summary>
internal static class ClusterBenchmark
{
    /// <summary>Goals from issue 11.</summary>
    private const double MonthP95GoalMs = 100, RatioGoal = 1.5;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (!ClusterBenchOptions.TryParse(args, out var options))
        {
            Console.Error.WriteLine(ClusterBenchOptions.Usage);
            return 2;
        }
        if (options.Soak)
        {
            Console.WriteLine($"cluster benchmark, scheduler soak: {options.Tests:N0} TCP tests, {options.Minutes} min per column; {Environment.ProcessorCount} cores, load average {SoakWindow.LoadAverage()}");
            var columns = await ClusterSoak.RunAsync(options.Tests, options.Minutes, cancellationToken);
            SoakReport.Print(columns, options.Tests, options.Minutes);
        }
        if (options.Capacity)
        {
            Console.WriteLine($"cluster benchmark, capacity search: from {options.Tests:N0} TCP tests, {options.Minutes} min per step; {Environment.ProcessorCount} cores, load average {SoakWindow.LoadAverage()}");
            var steps = await ClusterCapacity.RunAsync(options.Tests, options.Minutes, cancellationToken);
            ClusterCapacity.Print(steps, options.Minutes);
        }
        if (options.Results)
        {
            Console.WriteLine();
            Console.WriteLine($"cluster benchmark, results table at scale: {options.Rows:N0} rows over 30 days on PostgreSQL; {Environment.ProcessorCount} cores, load average {SoakWindow.LoadAverage()}");
            var stages = await ResultsAtScale.RunAsync(options.Rows, cancellationToken);
            Print(stages);
            Console.WriteLine($"load average at the end: {SoakWindow.LoadAverage()}");
        }
        return 0;
    }

    private static void Print(IReadOnlyList<ResultsAtScale.Stage> stages)
    {
        Console.WriteLine();
        Console.WriteLine("| size | rows | tests | partitions | COPY of the rows added | rows/s | indexes built after | rollup of every hour | database | results table | load average after the queries |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var s in stages)
        {
            Console.WriteLine($"| {Label(s)} | {s.Rows:N0} | {s.Tests:N0} | {s.Partitions} | {s.Loaded:N0} in {s.Load.TotalSeconds:N1} s | {s.Loaded / Math.Max(0.001, s.Load.TotalSeconds):N0} | {s.IndexBuild.TotalSeconds:N1} s | {s.RollUp.TotalSeconds:N1} s ({s.RolledHours} h) | {Megabytes(s.DatabaseBytes)} | {Megabytes(s.TableBytes)} | {s.LoadAverageWhileTimed} |");
        }
        Console.WriteLine();
        var anchor = stages[0];
        var full = stages[^1];
        Console.WriteLine($"| query (one test, console's ProbeQueries) | {Label(anchor)} p50 / p95 | {Label(full)} p50 / p95 | p95 ratio {Label(full)}/{Label(anchor)} (goal ≤ {RatioGoal}) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        var ratiosMet = true;
        foreach (var query in ResultsAtScale.Queries)
        {
            var (a50, a95) = anchor.Timings[query];
            var (f50, f95) = full.Timings[query];
            var ratio = f95 / a95;
            ratiosMet &= ratio <= RatioGoal;
            Console.WriteLine($"| {query} | {a50:N1} / {a95:N1} ms | {f50:N1} / {f95:N1} ms | {ratio:N2} {(ratio <= RatioGoal ? "met" : "NOT met")} |");
        }
        var month = full.Timings["30d rollups"].P95;
        Console.WriteLine();
        Console.WriteLine($"goal 30 d p95 ≤ {MonthP95GoalMs} ms at {Label(full)}: {month:N1} ms, {(month <= MonthP95GoalMs ? "met" : "NOT met")}");
        Console.WriteLine($"goal every p95 ratio ≤ {RatioGoal}: {(ratiosMet ? "met" : "NOT met")}");
    }

    private static string Label(ResultsAtScale.Stage stage) => $"{stage.Rows / 1e6:0.#} M";

    private static string Megabytes(long bytes) => $"{bytes / 1048576.0:N0} MB";
}
