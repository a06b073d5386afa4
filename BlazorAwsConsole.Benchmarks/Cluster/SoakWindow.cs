using System.Diagnostics;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>One column of the soak table: what the nodes did in one measured window.</summary>
internal sealed record SoakColumn(string Name, SoakCounts Counts, IReadOnlyList<(string Node, double CpuShare)> Nodes, double? DatabaseCpuShare,
    string LoadAtStart, string LoadAtEnd, long RowsInDatabase, DatabaseProfile? Profile, TimeSpan Window);

/// <summary>
/// Measures a window of whole minutes on nodes already running: CPU per node (process CPU time ÷ wall ÷ cores) and of
/// the database server, the load average, then, once the runs due in the window have had time to finish and be
/// written, the counts from the stored results and the target's connections.
/// </summary>
internal static class SoakWindow
{
    /// <summary>A run's timeout (5 s) plus the writer's batching, with room for a loaded machine.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Waits until the target has heard from every test once since <paramref name="since"/> (each trigger has started;
    /// at most two intervals), so the window that follows holds exactly <c>minutes</c> due runs per test.
    /// </summary>
    public static async Task WarmAsync(SoakTarget target, int tests, DateTime since, TimeSpan interval, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<int>();
        while (clock.Elapsed < 2 * interval)
        {
            foreach (var (test, at) in target.Hits) if (at >= since.Ticks) seen.Add(test);
            if (seen.Count >= tests) break;
            await Task.Delay(1000, cancellationToken);
        }
        Console.WriteLine($"  every test's trigger running: {seen.Count:N0} of {tests:N0} tests hit the target after {clock.Elapsed.TotalSeconds:N0} s");
    }

    public static async Task<SoakColumn> MeasureAsync(string name, SoakDatabase database, IReadOnlyList<ConsoleProcess> nodes, PostgresInstance? postgres,
        SoakTarget target, Dictionary<int, int> testIds, TimeSpan interval, int minutes, CancellationToken cancellationToken)
    {
        var start = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        await Task.Delay(start - DateTime.UtcNow, cancellationToken);
        var window = TimeSpan.FromMinutes(minutes);
        var loadAtStart = LoadAverage();
        var nodeCpu = nodes.Select(n => ProcessCpu.Of(n.ProcessId)).ToArray();
        var databaseCpu = postgres is null ? TimeSpan.Zero : ProcessCpu.OfTree(postgres.ServerPid);
        var profile = postgres is null || database.PostgresName is not { } named ? null : await DatabaseProfile.BeginAsync(postgres, named, cancellationToken);
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"  {name}: window {start:HH:mm:ss}–{start + window:HH:mm:ss} UTC, load average {loadAtStart}");
        for (var minute = 1; minute <= minutes; minute++)
        {
            await Task.Delay(TimeSpan.FromMinutes(minute) - clock.Elapsed, cancellationToken);
            Console.WriteLine($"    {minute} min: target hits {target.Hits.Count:N0} since the benchmark began, load average {LoadAverage()}");
        }
        var wall = clock.Elapsed;
        var shares = nodes.Select((n, i) => (n.Name, Share(ProcessCpu.Of(n.ProcessId) - nodeCpu[i], wall))).ToList();
        double? databaseShare = postgres is null ? null : Share(ProcessCpu.OfTree(postgres.ServerPid) - databaseCpu, wall);
        var databaseProfile = profile is null ? null : await profile.EndAsync(cancellationToken);
        var loadAtEnd = LoadAverage();
        // What the nodes logged (warnings and up: Quartz's cluster recovery, a full probe queue), to read a bad column by.
        foreach (var node in nodes)
        {
            var log = Path.Combine(Path.GetTempPath(), $"cluster-soak-{name.Replace(", ", "-").Replace(' ', '-')}-{node.Name}.log");
            await File.WriteAllTextAsync(log, node.Output, cancellationToken);
            Console.WriteLine($"    {node.Name}'s last log lines: {log}");
        }

        await Task.Delay(Settle, cancellationToken);
        var runs = await database.RunsAsync(cancellationToken);
        var hits = target.Hits.Where(h => testIds.ContainsKey(h.Test)).Select(h => (testIds[h.Test], h.AtTicks));
        var counts = SoakCounts.Of(testIds.Count, interval, start, window, runs, hits);
        return new SoakColumn(name, counts, shares, databaseShare, loadAtStart, loadAtEnd, await database.CountAsync(cancellationToken), databaseProfile, wall);
    }

    private static double Share(TimeSpan cpu, TimeSpan wall) => cpu / (wall * Environment.ProcessorCount);

    /// <summary>The 1, 5 and 15 minute load averages, as <c>uptime</c> prints them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
