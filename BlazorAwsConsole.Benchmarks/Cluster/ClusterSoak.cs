using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>
/// The scheduler soak of issue 11: N TCP tests at 60 s, run by real console processes (the executable, as an operator
/// starts a node, like the two-node tests' nodes) for M minutes each on SQLite with one node, then on one PostgreSQL
/// with one node and then two. Every column is measured the same way (<see cref="SoakWindow"/>), side by side.
/// </summary>
internal static class ClusterSoak
{
    public const int DefaultTests = 10_000;
    /// <summary>The database the PostgreSQL columns' nodes share on the benchmark's own server.</summary>
    public const string PostgresDatabase = "console";
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    /// <summary>A node holding 10,000 tests schedules them all at start-up (on PostgreSQL, one trigger row each).</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A soak node's settings ("Key=Value"): no AWS (fleet polls and the TTL job off, Aws mode needs no moto at start-up),
    /// tests run on schedule, warnings only. The locations benchmark starts its console the same way.
    /// </summary>
    public static string[] NodeSettings() =>
    [
        "Aws:Mode=Aws", "Sandbox:StartMoto=false", "Sandbox:SeedDemoFleet=false", "Access:SandboxDemoAdmin=false",
        "Fleet:PollOnSchedule=false", "JumpServers:EnforceTtlOnSchedule=false", "Probes:RunOnSchedule=true",
        $"Quartz:SchedulerName=soak-{Guid.NewGuid():n}", "Logging:LogLevel:Default=Warning",
    ];

    public static async Task<List<SoakColumn>> RunAsync(int tests, int minutes, CancellationToken cancellationToken)
    {
        // The soak touches no AWS: fleet polls and the TTL job are off, and Aws mode needs no moto at start-up
        // (a Sandbox node checks that moto answers within 2 s, which a loaded machine can miss). Ready means the
        // database and the scheduler are healthy (/healthz/ready's AWS check fails without credentials; it is not asked).
        Console.WriteLine("starting the TCP target ...");
        using var target = SoakTarget.Start();
        var node = NodeSettings();
        var columns = new List<SoakColumn>();

        var folder = Directory.CreateTempSubdirectory("bac-soak-").FullName;
        try
        {
            await using var sqlite = SoakDatabase.Sqlite(Path.Combine(folder, "console.db"));
            columns.Add(await OneNodeAsync("SQLite, 1 node", sqlite, null));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine("starting a private PostgreSQL (durable commits) ...");
        await using var postgres = await PostgresInstance.StartAsync(cancellationToken, bulkLoad: false, statementStatistics: true);
        await postgres.ExecuteAsync("postgres", $"CREATE DATABASE {PostgresDatabase}", cancellationToken);
        await postgres.ExecuteAsync(PostgresDatabase, "CREATE EXTENSION pg_stat_statements", cancellationToken);
        await using var database = SoakDatabase.Postgres(postgres.ConnectionString(PostgresDatabase));
        var ids = await PrepareAsync(database);
        await using var nodeA = await StartAsync("node-a", database, ids);
        columns.Add(await SoakWindow.MeasureAsync("PostgreSQL, 1 node", database, [nodeA], postgres, target, ids, Interval, minutes, cancellationToken));
        // The second node joins the running cluster, as an operator adds one; its window starts once it is ready.
        await using var nodeB = await StartNodeAsync("node-b", node, database, null, cancellationToken);
        // The window measures two nodes sharing the tests, not the join: node-a hands node-b its share when it reads the
        // new member list (within one heartbeat), and node-b starts it after the settle time (2 heartbeats); the fires due
        // in between are not run (see the README). Three heartbeats and a second for a loaded machine.
        await Task.Delay(TimeSpan.FromSeconds(3 * 3 + 1), cancellationToken);
        columns.Add(await SoakWindow.MeasureAsync("PostgreSQL, 2 nodes", database, [nodeA, nodeB], postgres, target, ids, Interval, minutes, cancellationToken));
        return columns;

        async Task<SoakColumn> OneNodeAsync(string name, SoakDatabase database, PostgresInstance? server)
        {
            var ids = await PrepareAsync(database);
            await using var only = await StartAsync("node-a", database, ids);
            return await SoakWindow.MeasureAsync(name, database, [only], server, target, ids, Interval, minutes, cancellationToken);
        }

        async Task<Dictionary<int, int>> PrepareAsync(SoakDatabase database)
        {
            Console.WriteLine($"migrating and storing {tests:N0} TCP tests at {Interval.TotalSeconds:0} s ...");
            return await database.PrepareAsync(node, tests, target.Port, (int)Interval.TotalSeconds, cancellationToken);
        }

        async Task<ConsoleProcess> StartAsync(string name, SoakDatabase database, Dictionary<int, int> ids)
        {
            var since = DateTime.UtcNow;
            var started = await StartNodeAsync(name, node, database, null, cancellationToken);
            await SoakWindow.WarmAsync(target, ids.Count, since, Interval, cancellationToken);
            return started;
        }
    }

    /// <summary>
    /// Starts a node on <paramref name="database"/> as an operator does and waits until its database and scheduler are
    /// healthy; given <paramref name="cpus"/>, pinned to those cores (<c>taskset</c>). The nodes of one cluster get the
    /// same <paramref name="settings"/> (one <see cref="NodeSettings"/>: Quartz clusters nodes by scheduler name).
    /// </summary>
    public static async Task<ConsoleProcess> StartNodeAsync(string name, string[] settings, SoakDatabase database, string? cpus, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  starting {name}{(cpus is null ? "" : $" on core {cpus}")} ({string.Join(", ", database.Settings.Select(s => s.Split('=')[0]))}) ...");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var process = ConsoleProcess.Start(name, [.. settings, .. database.Settings, $"Cluster:NodeName={name}"], cpus);
        try
        {
            await process.WaitReadyAsync(ReadyTimeout, "database", "scheduler").WaitAsync(cancellationToken);
        }
        catch
        {
            Console.Error.WriteLine(process.Output);
            await process.DisposeAsync();
            throw;
        }
        Console.WriteLine($"  {name} ready after {clock.Elapsed.TotalSeconds:N0} s (pid {process.ProcessId})");
        return process;
    }
}
