using System.Diagnostics;
using Npgsql;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>What a statement cost PostgreSQL over a soak window (from pg_stat_statements; time includes waits, e.g. a COMMIT's WAL flush).</summary>
internal sealed record StatementCost(long Calls, double TotalMs, long Rows, string Query);

/// <summary>
/// Where PostgreSQL's work in a soak window went: its CPU split by process kind (client connections, WAL writer,
/// autovacuum, …), its commits and WAL, and the statements that took the most time. It is what tells whether the
/// database's share is the nodes' queries, or upkeep that grows with the rows they write.
/// </summary>
internal sealed record DatabaseProfile(IReadOnlyList<(string Kind, double Share)> CpuByKind, long Commits, long Sessions, long WalBytes, double StatementsTotalMs,
    long StatementCalls, IReadOnlyList<StatementCost> Statements)
{
    private const int ShownStatements = 12;

    /// <summary>Resets the statement counters and takes the starting figures; <see cref="Window.EndAsync"/> gives the profile.</summary>
    public static async Task<Window> BeginAsync(PostgresInstance postgres, string database, CancellationToken cancellationToken)
    {
        await postgres.ExecuteAsync(database, "SELECT pg_stat_statements_reset()", cancellationToken);
        var (commits, sessions, wal) = await CountersAsync(postgres, database, cancellationToken);
        return new Window(postgres, database, ProcessCpu.SnapshotTree(postgres.ServerPid), commits, sessions, wal, Stopwatch.StartNew());
    }

    internal sealed record Window(PostgresInstance Postgres, string Database, ProcessCpu.TreeSnapshot Cpu, long Commits, long Sessions, long Wal, Stopwatch Clock)
    {
        public async Task<DatabaseProfile> EndAsync(CancellationToken cancellationToken)
        {
            var wall = Clock.Elapsed;
            var cpu = ProcessCpu.ByKind(Cpu, ProcessCpu.SnapshotTree(Postgres.ServerPid));
            var (commits, sessions, wal) = await CountersAsync(Postgres, Database, cancellationToken);
            var byKind = cpu.Select(k => (k.Key, Share: k.Value / (wall * Environment.ProcessorCount)))
                .Where(k => k.Share > 0.0005).OrderByDescending(k => k.Share).ToList();

            await using var connection = new NpgsqlConnection(Postgres.ConnectionString(Database));
            await connection.OpenAsync(cancellationToken);
            await using var totals = new NpgsqlCommand("SELECT coalesce(sum(total_exec_time), 0)::float8, coalesce(sum(calls), 0)::int8 FROM pg_stat_statements", connection);
            await using var totalsReader = await totals.ExecuteReaderAsync(cancellationToken);
            await totalsReader.ReadAsync(cancellationToken);
            var (totalMs, calls) = (totalsReader.GetDouble(0), totalsReader.GetInt64(1));
            await totalsReader.DisposeAsync();

            await using var top = new NpgsqlCommand($"""
                SELECT calls, total_exec_time, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150)
                FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT {ShownStatements}
                """, connection);
            await using var reader = await top.ExecuteReaderAsync(cancellationToken);
            var statements = new List<StatementCost>();
            while (await reader.ReadAsync(cancellationToken))
            {
                statements.Add(new StatementCost(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetString(3)));
            }
            return new DatabaseProfile(byKind, commits - Commits, sessions - Sessions, wal - Wal, totalMs, calls, statements);
        }
    }

    private static async Task<(long Commits, long Sessions, long WalBytes)> CountersAsync(PostgresInstance postgres, string database, CancellationToken cancellationToken)
    {
        // pg_stat_database is refreshed at most once per transaction; a fresh connection reads it fresh.
        var commits = await postgres.ScalarAsync<long>(database, "SELECT sum(xact_commit)::int8 FROM pg_stat_database", cancellationToken);
        var sessions = await postgres.ScalarAsync<long>(database, "SELECT sum(sessions)::int8 FROM pg_stat_database", cancellationToken);
        var wal = await postgres.ScalarAsync<long>(database, "SELECT wal_bytes::int8 FROM pg_stat_wal", cancellationToken);
        return (commits, sessions, wal);
    }

    /// <summary>Prints the profile under the soak table, one block per PostgreSQL column.</summary>
    public void Print(string column, TimeSpan window)
    {
        var seconds = window.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"where PostgreSQL's work went, {column}: {Commits / seconds:N1} commits/s, {Sessions / seconds * 60:N1} connections opened/min, WAL {WalBytes / seconds / 1024:N0} KiB/s, " +
            $"{StatementCalls / seconds:N0} statements/s taking {StatementsTotalMs / seconds:N0} ms/s in all");
        Console.WriteLine("  CPU (of the machine) by process: " + string.Join(", ", CpuByKind.Select(k => $"{k.Kind} {k.Share:P1}")));
        Console.WriteLine();
        Console.WriteLine("| calls/s | ms/s | share of statement time | rows/call | statement |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | --- |");
        foreach (var s in Statements)
        {
            Console.WriteLine($"| {s.Calls / seconds:N1} | {s.TotalMs / seconds:N1} | {s.TotalMs / Math.Max(0.001, StatementsTotalMs):P1} | {(double)s.Rows / Math.Max(1, s.Calls):N1} | `{s.Query.Replace("|", "\\|")}` |");
        }
    }
}
