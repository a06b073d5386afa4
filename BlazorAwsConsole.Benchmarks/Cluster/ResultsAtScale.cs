using System.Diagnostics;
using System.Text.Json;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Export;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>
/// The raw results table at scale on PostgreSQL: the console's schema (its own <c>migrate</c> command, so the
/// table is partitioned by day as in production), loaded with binary COPY with one HTTP test result a minute per
/// test over the last 30 days, then the test page's queries (the console's own ProbeQueries: 1 h and 24 h raw,
/// 30 d from the hourly rollups made by the console's own ProbeRollups, and the history's first page) timed at
/// 1 M rows (the anchor) and at the full count. Each test has the same density at both sizes (a bigger table is
/// more tests), so a test page reads the same rows and only the table around it grows.
/// </summary>
internal static class ResultsAtScale
{
    public const long DefaultRows = 50_000_000;
    public const long AnchorRows = 1_000_000;
    private static readonly TimeSpan Span = TimeSpan.FromDays(30);
    private static readonly long RowsPerTest = (long)Span.TotalMinutes;
    private const int Repeats = 60;
    private const string Database = "console";

    public static readonly string[] Queries = ["1h raw", "24h raw", "30d rollups", "history page"];

    public sealed record Stage(long Rows, int Tests, long Loaded, TimeSpan Load, TimeSpan IndexBuild, TimeSpan RollUp, int RolledHours, long DatabaseBytes, long TableBytes, int Partitions,
        IReadOnlyDictionary<string, (double P50, double P95)> Timings, string LoadAverageWhileTimed);

    public static async Task<List<Stage>> RunAsync(long rows, CancellationToken cancellationToken)
    {
        Console.WriteLine("starting a private PostgreSQL ...");
        await using var postgres = await PostgresInstance.StartAsync(cancellationToken);
        await postgres.ExecuteAsync("postgres", $"CREATE DATABASE {Database}", cancellationToken);
        var connection = postgres.ConnectionString(Database);
        var migrated = await BlazorAwsConsole.Program.Main(["migrate", "--Database:Provider=Postgres", $"--ConnectionStrings:Console={connection}", "--Logging:LogLevel:Default=Warning"]);
        if (migrated != 0) throw new InvalidOperationException($"the console's migrate command exited with {migrated}");

        await using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddDbContextFactory<ConsoleDbContext, PostgresContextFactory>(options => options.UseNpgsql(connection))
            .AddSingleton<ProbeQueries>()
            .AddSingleton<ProbeRollups>()
            .AddOptions()
            .BuildServiceProvider();
        var contexts = services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
        var end = DateTime.UtcNow;
        var start = end - Span;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var first = DateOnly.FromDateTime(start);
            await ProbeResultPartitions.EnsureDaysAsync(db, Enumerable.Range(0, 32).Select(first.AddDays), cancellationToken);
        }

        var stages = new List<Stage>();
        var loadedTests = 0;
        foreach (var target in new[] { Math.Min(AnchorRows, rows), rows }.Distinct())
        {
            var tests = (int)Math.Ceiling((double)target / RowsPerTest);
            Console.WriteLine($"loading tests {loadedTests + 1}..{tests} ({(tests - loadedTests) * RowsPerTest:N0} rows) with COPY ...");
            // Indexes after the load, as a bulk load is done: keeping them up row by row is most of a COPY's cost.
            var indexes = await DropIndexesAsync(connection, cancellationToken);
            var load = Stopwatch.StartNew();
            await LoadAsync(connection, loadedTests + 1, tests, start, cancellationToken);
            load.Stop();
            Console.WriteLine($"  COPY done in {load.Elapsed.TotalSeconds:N1} s (load average {SoakWindow.LoadAverage()}); building {indexes.Count} index(es) again ...");
            var indexBuild = Stopwatch.StartNew();
            foreach (var definition in indexes) await postgres.ExecuteAsync(Database, definition, cancellationToken);
            indexBuild.Stop();
            var invalid = await postgres.ScalarAsync<long>(Database, "SELECT count(*) FROM pg_index WHERE indrelid = '\"ProbeResults\"'::regclass AND NOT indisvalid", cancellationToken);
            if (invalid > 0) throw new InvalidOperationException($"{invalid} index(es) of ProbeResults are not on every partition after the rebuild");
            var loaded = (tests - loadedTests) * RowsPerTest;
            loadedTests = tests;
            await postgres.ExecuteAsync(Database, "ANALYZE \"ProbeResults\"", cancellationToken);

            // The rollups of every hour, by the console's job code, from scratch (the new tests' hours too).
            await postgres.ExecuteAsync(Database, "TRUNCATE \"ProbeRollups\"", cancellationToken);
            Console.WriteLine($"  indexes built in {indexBuild.Elapsed.TotalSeconds:N1} s; rolling up every hour with ProbeRollups (load average {SoakWindow.LoadAverage()}) ...");
            var rollUp = Stopwatch.StartNew();
            var hours = await services.GetRequiredService<ProbeRollups>().RollUpAsync(cancellationToken);
            rollUp.Stop();
            await postgres.ExecuteAsync(Database, "ANALYZE \"ProbeRollups\"", cancellationToken);

            Console.WriteLine($"  rolled up {hours} h in {rollUp.Elapsed.TotalSeconds:N1} s; timing the test page's queries (load average {SoakWindow.LoadAverage()}) ...");
            var timings = await TimeQueriesAsync(services.GetRequiredService<ProbeQueries>(), Math.Min(tests, (int)Math.Ceiling((double)AnchorRows / RowsPerTest)), cancellationToken);
            await ExplainHourAsync(connection, cancellationToken);
            stages.Add(new Stage(
                await postgres.ScalarAsync<long>(Database, "SELECT count(*) FROM \"ProbeResults\"", cancellationToken),
                tests, loaded, load.Elapsed, indexBuild.Elapsed, rollUp.Elapsed, hours,
                await postgres.ScalarAsync<long>(Database, $"SELECT pg_database_size('{Database}')", cancellationToken),
                await postgres.ScalarAsync<decimal>(Database, "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('\"ProbeResults\"')", cancellationToken) is var bytes ? (long)bytes : 0,
                (int)await postgres.ScalarAsync<long>(Database, "SELECT count(*) FROM pg_inherits WHERE inhparent = '\"ProbeResults\"'::regclass", cancellationToken),
                timings, SoakWindow.LoadAverage()));
            Console.WriteLine($"  {stages[^1].Rows:N0} rows loaded in {load.Elapsed.TotalSeconds:N1} s, rolled up in {rollUp.Elapsed.TotalSeconds:N1} s");
        }
        return stages;
    }

    /// <summary>
    /// Drops the results table's secondary indexes (not its key) and returns their definitions to make them again:
    /// on the partitioned parent, so every day partition's copy goes too and comes back with one statement each.
    /// The caller then checks that every index of the parent is valid again, which it is only once each partition has its copy.
    /// </summary>
    private static async Task<List<string>> DropIndexesAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var indexes = new List<(string Name, string Definition)>();
        await using (var query = new NpgsqlCommand("""
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = 'ProbeResults' AND indexname <> 'PK_ProbeResults'
            """, connection))
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) indexes.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (name, _) in indexes)
        {
            await using var drop = new NpgsqlCommand($"DROP INDEX \"{name}\"", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        // pg_indexes spells a partitioned table's index "CREATE INDEX … ON ONLY parent": run as is, that makes an
        // invalid index on the parent alone and none on the partitions (every query then scans whole partitions).
        // Without ONLY it is made on every partition and attached, as the console's migration made it.
        return [.. indexes.Select(i => i.Definition.Replace(" ON ONLY ", " ON ", StringComparison.Ordinal))];
    }

    /// <summary>
    /// Binary COPY, one per day, rows in time order as the writer appends them, on as many connections at once as the
    /// machine has cores (at least two): every test once a minute, one run in 50 failing, response times 20–220 ms,
    /// the HTTP details a real run stores.
    /// </summary>
    private static async Task LoadAsync(string connectionString, int firstTest, int lastTest, DateTime start, CancellationToken cancellationToken)
    {
        var nextDay = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            for (var day = Interlocked.Increment(ref nextDay); day < Span.TotalDays; day = Interlocked.Increment(ref nextDay))
            {
                await CopyDayAsync(connection, day, firstTest, lastTest, start, cancellationToken);
            }
        }, cancellationToken)));
    }

    /// <summary>The HTTP details of a run by its noise value (0–999), serialized once instead of once a row.</summary>
    private static readonly string[] HttpJson = [.. Enumerable.Range(0, 1000).Select(noise => JsonSerializer.Serialize(new HttpDetails
    {
        StatusCode = noise % 50 != 0 ? 200 : 500, FirstByteMs = 20 + noise / 5.0 - 2, TotalMs = 20 + noise / 5.0, ResponseBytes = 1234,
    }))];

    private static async Task CopyDayAsync(NpgsqlConnection connection, int day, int firstTest, int lastTest, DateTime start, CancellationToken cancellationToken)
    {
        await using var import = await connection.BeginBinaryImportAsync("""
            COPY "ProbeResults" ("TestId", "Type", "Success", "Degraded", "Reason", "StartedAt", "ScheduledAt", "DurationMs", "ResponseTimeMs", "Source", "StartLagMs", "Http")
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        for (var minute = day * 1440; minute < (day + 1) * 1440; minute++)
        {
            var at = start.AddMinutes(minute);
            for (var test = firstTest; test <= lastTest; test++)
            {
                var noise = (int)((uint)HashCode.Combine(test, minute) % 1000);
                var success = noise % 50 != 0;
                var ms = 20 + noise / 5.0;
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(test, NpgsqlDbType.Integer, cancellationToken);
                await import.WriteAsync("Http", NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(success, NpgsqlDbType.Boolean, cancellationToken);
                await import.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                await import.WriteAsync(success ? "HTTP 200" : "HTTP 500", NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(at.AddMilliseconds(noise), NpgsqlDbType.TimestampTz, cancellationToken);
                // Due on the minute; started up to a second later (the start lag column says how much, in seconds there).
                await import.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                await import.WriteAsync(ms + 1, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync(ms, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync(ProbeResult.ConsoleSource, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(noise / 100.0, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync(HttpJson[noise], NpgsqlDbType.Text, cancellationToken);
            }
        }
        await import.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The plan of the 1 h raw query (ProbeQueries.TrendAsync's statement for test 1, with parameters as EF sends them),
    /// with EXPLAIN (ANALYZE, BUFFERS), run right after the timings: where its time goes at this size.
    /// </summary>
    private static async Task ExplainHourAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var explain = new NpgsqlCommand("""
            EXPLAIN (ANALYZE, BUFFERS)
            SELECT p."StartedAt", p."ResponseTimeMs", p."Success", p."Degraded" FROM "ProbeResults" AS p
            WHERE p."TestId" = @test AND p."StartedAt" >= @from ORDER BY p."StartedAt"
            """, connection);
        explain.Parameters.AddWithValue("test", 1);
        explain.Parameters.AddWithValue("from", DateTime.UtcNow.AddHours(-1));
        Console.WriteLine("  EXPLAIN (ANALYZE, BUFFERS) of the 1 h raw query, test 1 (scans of empty partitions left out):");
        await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
        var lines = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) lines.Add(reader.GetString(0));
        for (var i = 0; i < lines.Count; i++)
        {
            // An empty partition's scan is two lines (the scan and its filter).
            if (lines[i].Contains("Seq Scan", StringComparison.Ordinal) && lines[i].Contains("rows=0 loops=1", StringComparison.Ordinal)) { i++; continue; }
            Console.WriteLine("    " + lines[i]);
        }
    }

    /// <summary>p50 and p95 in ms of each query, over the anchor's tests in turn (the same tests at every size), after a warm-up.</summary>
    private static async Task<Dictionary<string, (double, double)>> TimeQueriesAsync(ProbeQueries queries, int tests, CancellationToken cancellationToken)
    {
        Func<int, Task>[] runs =
        [
            test => queries.TrendAsync(test, "1h", cancellationToken),
            test => queries.TrendAsync(test, "24h", cancellationToken),
            test => queries.TrendAsync(test, "30d", cancellationToken),
            test => queries.ResultsAsync(new ProbeResultFilter(test, null, null, null), 1, 25, cancellationToken),
        ];
        var timings = new Dictionary<string, (double, double)>();
        for (var q = 0; q < runs.Length; q++)
        {
            for (var i = 0; i < 5; i++) await runs[q](1 + i % tests);
            var times = new List<double>();
            for (var i = 0; i < Repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                await runs[q](1 + i % tests);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            timings[Queries[q]] = (ProbeRollups.Percentile(times, 0.50), ProbeRollups.Percentile(times, 0.95));
        }
        return timings;
    }
}
