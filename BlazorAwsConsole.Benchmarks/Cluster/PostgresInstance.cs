using BlazorAwsConsole.Benchmarks.Probes;
using Npgsql;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>
/// A private PostgreSQL for one benchmark run, as the tests' PostgresServer fixture starts one: Debian's
/// <c>postgresql</c> package (installed with apt-get when missing), <c>initdb</c> into a temporary folder as the
/// <c>postgres</c> user (root may not run the server), a free loopback port; stopped and deleted at the end.
/// </summary>
internal sealed class PostgresInstance : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bac-bench-pg-" + Guid.NewGuid().ToString("n"));
    private readonly string _bin;
    private string DataFolder => Path.Combine(_folder, "data");

    private PostgresInstance(string bin) => _bin = bin;

    public int Port { get; private set; }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Timeout = 60, CommandTimeout = 3600,
    }.ConnectionString;

    /// <summary>The postmaster's process id (first line of postmaster.pid), for the CPU the server uses.</summary>
    public int ServerPid => int.Parse(File.ReadLines(Path.Combine(DataFolder, "postmaster.pid")).First());

    /// <summary>
    /// Starts the server with what a dedicated database host would set (more shared buffers and WAL than Debian's
    /// defaults). For a bulk load fsync is off because the data is thrown away, which makes the load faster and the
    /// queries no different; otherwise (the scheduler soak, whose writes are what it measures) commits are durable.
    /// The soak also loads pg_stat_statements (<paramref name="statementStatistics"/>), for <see cref="DatabaseProfile"/>.
    /// </summary>
    public static async Task<PostgresInstance> StartAsync(CancellationToken cancellationToken, bool bulkLoad = true, bool statementStatistics = false)
    {
        var server = new PostgresInstance(await BinariesAsync(cancellationToken));
        Directory.CreateDirectory(server._folder);
        await ChildProcess.RunAsync("install", ["-d", "-o", "postgres", server.DataFolder], cancellationToken);
        await AsPostgresAsync(Path.Combine(server._bin, "initdb"), ["-D", server.DataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"], cancellationToken);
        server.Port = ChildProcess.FreeLoopbackPort();
        await AsPostgresAsync(Path.Combine(server._bin, "pg_ctl"), ["-D", server.DataFolder, "-l", Path.Combine(server.DataFolder, "server.log"), "-w", "-t", "120",
            "-o", $"-p {server.Port} -k {server.DataFolder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=1GB -c max_wal_size=8GB -c work_mem=32MB"
                + (bulkLoad ? " -c fsync=off -c synchronous_commit=off" : "")
                + (statementStatistics ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=1000" : ""), "start"], cancellationToken);
        return server;
    }

    public async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                await AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], CancellationToken.None);
            }
        }
        finally
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static Task AsPostgresAsync(string program, string[] arguments, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], cancellationToken);

    /// <summary>Debian's newest installed server, installed first when there is none.</summary>
    private static async Task<string> BinariesAsync(CancellationToken cancellationToken)
    {
        if (Newest() is { } found) return found;
        Console.WriteLine("installing from Debian (missing): postgresql ...");
        await ChildProcess.RunAsync("apt-get", ["update", "-qq"], cancellationToken);
        await ChildProcess.RunAsync("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"], cancellationToken);
        return Newest() ?? throw new InvalidOperationException("postgresql was installed but no /usr/lib/postgresql/N/bin/initdb is there");
    }

    private static string? Newest() =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
            .OrderBy(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin"))
            .LastOrDefault();
}
