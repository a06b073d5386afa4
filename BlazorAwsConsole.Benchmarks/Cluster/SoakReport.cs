namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>The soak's columns side by side, one row per figure, with issue 21's goals (issue 11's lag goal was 1 s).</summary>
internal static class SoakReport
{
    private const double LagP99GoalMs = 250;
    private const double DatabaseToNodesGoal = 0.10;
    private const double CpuPerRunToSqliteGoal = 1.2;

    public static void Print(IReadOnlyList<SoakColumn> columns, int tests, int minutes)
    {
        Console.WriteLine();
        Console.WriteLine($"scheduler soak: {tests:N0} TCP tests at {ClusterSoak.Interval.TotalSeconds:0} s, {minutes} min per column, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine($"| figure | {string.Join(" | ", columns.Select(c => c.Name))} |");
        Console.WriteLine($"| --- |{string.Concat(columns.Select(_ => " ---: |"))}");
        Row("runs due", c => $"{c.Counts.Due:N0}");
        Row("fired: connections at the target in the window", c => $"{c.Counts.Fired:N0}");
        Row("stored", c => $"{c.Counts.Stored:N0}");
        Row("lost: due − stored once (goal 0)", c => Goal($"{c.Counts.Lost:N0}", c.Counts.Lost == 0));
        Row("duplicated: stored twice (goal 0)", c => Goal($"{c.Counts.StoredTwice:N0}", c.Counts.StoredTwice == 0));
        Row("a test hit twice within half an interval", c => $"{c.Counts.FiredTwice:N0}");
        Row("start lag p50 / p99 / max (goal p99 ≤ 250 ms)", c => Goal($"{c.Counts.LagP50Ms:N0} / {c.Counts.LagP99Ms:N0} / {c.Counts.LagMaxMs:N0} ms", c.Counts.LagP99Ms <= LagP99GoalMs));
        Row("runs started over 1 s late", c => $"{c.Counts.LateOverSecond:N0}");
        Row("CPU per node (of the machine)", c => string.Join(", ", c.Nodes.Select(n => $"{n.Node} {n.CpuShare:P1}")));
        Row("CPU of PostgreSQL", c => c.DatabaseCpuShare is { } share ? $"{share:P1}" : "(in the node)");
        Row("CPU of PostgreSQL ÷ the nodes' CPU (goal ≤ 10 %)", c => c.DatabaseCpuShare is { } share && NodesShare(c) > 0
            ? Goal($"{share / NodesShare(c):P0}", share / NodesShare(c) <= DatabaseToNodesGoal) : "–");
        var sqlite = columns.FirstOrDefault(c => c.DatabaseCpuShare is null);
        Row("nodes' CPU per run (goal: PostgreSQL ≤ 1.2× SQLite)", c =>
        {
            var perRun = CpuMsPerRun(c, minutes);
            if (sqlite is null || ReferenceEquals(c, sqlite) || CpuMsPerRun(sqlite, minutes) <= 0) return $"{perRun:N3} ms";
            var ratio = perRun / CpuMsPerRun(sqlite, minutes);
            return Goal($"{perRun:N3} ms ({ratio:N2}×)", ratio <= CpuPerRunToSqliteGoal);
        });
        Row("load average at start", c => c.LoadAtStart);
        Row("load average at end", c => c.LoadAtEnd);
        Row("result rows in the database", c => $"{c.RowsInDatabase:N0}");
        foreach (var column in columns) column.Profile?.Print(column.Name, column.Window);

        void Row(string label, Func<SoakColumn, string> cell) =>
            Console.WriteLine($"| {label} | {string.Join(" | ", columns.Select(cell))} |");
    }

    private static double NodesShare(SoakColumn column) => column.Nodes.Sum(n => n.CpuShare);

    /// <summary>The nodes' CPU time over the window (share × cores × wall) per run due in it, in milliseconds.</summary>
    private static double CpuMsPerRun(SoakColumn column, int minutes) =>
        column.Counts.Due == 0 ? 0 : NodesShare(column) * Environment.ProcessorCount * minutes * 60_000 / column.Counts.Due;

    private static string Goal(string figure, bool met) => met ? figure : $"**{figure}**";
}
