using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>One step of the capacity search: so many tests on so many nodes, and whether they carried them.</summary>
internal sealed record CapacityStep(int Nodes, int Tests, SoakColumn Column)
{
    /// <summary>Issue 21's bar for "carried": every due run stored once, start lag p99 ≤ 1 s.</summary>
    public bool Carried => Column.Counts is { Lost: 0, StoredTwice: 0, LagP99Ms: <= 1000 };
}

/// <summary>
/// Issue 21's capacity figure: the most TCP tests at 60 s that one PostgreSQL node, then two, carry (0 lost, start lag
/// p99 ≤ 1 s), each node pinned to a core of its own with <c>taskset</c> so that one and two nodes compare on a 2-core
/// machine. PostgreSQL and the benchmark's TCP target are not pinned: they share both cores with the nodes.
/// Each step is a fresh database with its tests stored before its nodes start (as the soak), a warm-up until every
/// test has run once, then a window measured as the soak's (<see cref="SoakWindow"/>). The count grows by half until a
/// step fails (or halves from a first step that fails until one is carried), then the midpoint between the last
/// carried and the failed count is tried once. Two nodes start one step above what one node carried.
/// </summary>
internal static class ClusterCapacity
{
    private const double Growth = 1.5;
    private const int MaxTests = ClusterBenchOptions.MaxTests;

    public static async Task<List<CapacityStep>> RunAsync(int startTests, int minutes, CancellationToken cancellationToken)
    {
        Console.WriteLine("starting the TCP target ...");
        using var target = SoakTarget.Start();
        Console.WriteLine("starting a private PostgreSQL (durable commits) ...");
        await using var postgres = await PostgresInstance.StartAsync(cancellationToken, bulkLoad: false, statementStatistics: true);
        var steps = new List<CapacityStep>();

        var one = await SearchAsync(1, startTests);
        // Two nodes start a step above what one carried: what the comparison is about.
        await SearchAsync(2, one > 0 ? RoundedTests(one * Growth) : startTests);
        return steps;

        async Task<int> SearchAsync(int nodes, int tests)
        {
            int carried = 0, failed = 0;
            // Up by half while carried; when the first step already fails, down by half until one is carried.
            while (tests is >= 1000 and <= MaxTests)
            {
                var carriedNow = (await StepAsync(nodes, tests)).Carried;
                if (carriedNow) carried = tests; else failed = tests;
                if (carried > 0 && failed > 0) break;
                tests = RoundedTests(carriedNow ? tests * Growth : tests / 2.0);
            }
            var midpoint = RoundedTests((carried + failed) / 2.0);
            if (failed > 0 && carried > 0 && midpoint > carried && midpoint < failed && (await StepAsync(nodes, midpoint)).Carried) carried = midpoint;
            Console.WriteLine($"{nodes} node(s): carried {carried:N0} tests at 60 s{(failed > 0 ? $", not {failed:N0}" : "")}");
            return carried;
        }

        async Task<CapacityStep> StepAsync(int nodes, int tests)
        {
            var name = $"capacity_{nodes}_{tests}";
            Console.WriteLine();
            Console.WriteLine($"{nodes} node(s), {tests:N0} tests ({tests / 60.0:N0} runs/s), load average {SoakWindow.LoadAverage()}:");
            await postgres.ExecuteAsync("postgres", $"CREATE DATABASE {name}", cancellationToken);
            await postgres.ExecuteAsync(name, "CREATE EXTENSION pg_stat_statements", cancellationToken);
            try
            {
                await using var database = SoakDatabase.Postgres(postgres.ConnectionString(name));
                var settings = ClusterSoak.NodeSettings();
                var ids = await database.PrepareAsync(settings, tests, target.Port, (int)ClusterSoak.Interval.TotalSeconds, cancellationToken);
                target.Forget();
                var since = DateTime.UtcNow;
                var started = new List<ConsoleProcess>();
                try
                {
                    // Started together, as a cluster's nodes come up after a deploy; node i on core i.
                    started.AddRange(await Task.WhenAll(Enumerable.Range(0, nodes).Select(i =>
                        ClusterSoak.StartNodeAsync($"node-{(char)('a' + i)}", settings, database, i.ToString(), cancellationToken))));
                    await SoakWindow.WarmAsync(target, tests, since, ClusterSoak.Interval, cancellationToken);
                    var column = await SoakWindow.MeasureAsync($"PostgreSQL, {nodes} pinned node(s), {tests:N0} tests", database, started, postgres, target, ids,
                        ClusterSoak.Interval, minutes, cancellationToken);
                    var step = new CapacityStep(nodes, tests, column);
                    steps.Add(step);
                    var c = column.Counts;
                    Console.WriteLine($"  → {(step.Carried ? "carried" : "NOT carried")}: {c.Stored:N0} of {c.Due:N0} stored, lost {c.Lost:N0}, lag p50/p99/max {c.LagP50Ms:N0} / {c.LagP99Ms:N0} / {c.LagMaxMs:N0} ms; " +
                        $"CPU {string.Join(", ", column.Nodes.Select(n => $"{n.Node} {n.CpuShare:P1}"))}, PostgreSQL {column.DatabaseCpuShare:P1}");
                    return step;
                }
                finally
                {
                    foreach (var node in started) await node.DisposeAsync();
                }
            }
            finally
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await postgres.ExecuteAsync("postgres", $"DROP DATABASE {name} WITH (FORCE)", cancellationToken);
            }
        }
    }

    /// <summary>Counts rounded to a thousand, so the steps read as round figures.</summary>
    private static int RoundedTests(double tests) => (int)Math.Round(tests / 1000) * 1000;

    public static void Print(IReadOnlyList<CapacityStep> steps, int minutes)
    {
        Console.WriteLine();
        Console.WriteLine($"capacity search: TCP tests at 60 s, {minutes} min window per step, each node pinned to its own core; PostgreSQL and the target share the machine's {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| nodes | tests | runs/s | carried (0 lost, p99 ≤ 1 s) | stored / due | stored twice / a test hit twice | lag p50 / p99 / max | CPU per node (of the machine) | CPU of PostgreSQL | load average at end |");
        Console.WriteLine("| ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | --- |");
        foreach (var s in steps)
        {
            var c = s.Column.Counts;
            Console.WriteLine($"| {s.Nodes} | {s.Tests:N0} | {s.Tests / 60.0:N0} | {(s.Carried ? "yes" : "**no**")} | {c.Stored:N0} / {c.Due:N0} | {c.StoredTwice:N0} / {c.FiredTwice:N0} | {c.LagP50Ms:N0} / {c.LagP99Ms:N0} / {c.LagMaxMs:N0} ms | " +
                $"{string.Join(", ", s.Column.Nodes.Select(n => $"{n.Node} {n.CpuShare:P1}"))} | {s.Column.DatabaseCpuShare:P1} | {s.Column.LoadAtEnd} |");
        }
        var best = steps.Where(s => s.Carried).GroupBy(s => s.Nodes).ToDictionary(g => g.Key, g => g.Max(s => s.Tests));
        if (best.TryGetValue(1, out var one) && best.TryGetValue(2, out var two))
        {
            var ratio = (double)two / one;
            Console.WriteLine();
            Console.WriteLine($"capacity: 1 node {one:N0} tests, 2 nodes {two:N0} tests: {ratio:N2}× (goal ≥ 1.6×: {(ratio >= 1.6 ? "met" : "NOT met")})");
        }
    }
}
