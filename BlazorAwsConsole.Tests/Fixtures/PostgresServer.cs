using System.Diagnostics;
using BlazorAwsConsole.Infrastructure;
using Npgsql;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A private PostgreSQL from Debian's <c>postgresql</c> package, once per test collection: <c>initdb</c> into a
/// temporary folder as the <c>postgres</c> user (root may not run the server), a free loopback port, stopped
/// (<c>pg_ctl -m immediate</c>) and deleted at the end. Every console started on it gets a database of its own
/// (<c>CREATE DATABASE</c>), so tests and classes never see each other's rows.
/// </summary>
public sealed class PostgresServer : ConsoleDatabase, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bac-pg-" + Guid.NewGuid().ToString("n"));
    private string DataFolder => Path.Combine(_folder, "data");
    private string SocketFolder => Path.Combine(_folder, "socket");

    public int Port { get; private set; }
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database,
        // A loaded 2-core machine: generous, so a slow moment is not a failure.
        Timeout = 60, CommandTimeout = 120,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        var bin = Binaries();
        Directory.CreateDirectory(_folder);
        await RunAsync("install", "-d", "-o", ServerUser, DataFolder, SocketFolder);
        await RunAsServerAsync(Path.Combine(bin, "initdb"), "-D", DataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync");
        for (var attempt = 1; ; attempt++)
        {
            Port = MotoFixture.FreePort();
            try
            {
                // fsync off: the data is thrown away at the end; more connections: every console has its own pool.
                await RunAsServerAsync(Path.Combine(bin, "pg_ctl"), "-D", DataFolder, "-l", Path.Combine(DataFolder, "server.log"), "-w", "-t", "120",
                    "-o", $"-p {Port} -k {SocketFolder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300", "start");
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between the probe and the start; try another.
            }
        }
    }

    /// <summary>A new empty database; the console creates its schema by migrating as it starts.</summary>
    public override async Task<TestDatabase> CreateAsync()
    {
        var name = "console_" + Guid.NewGuid().ToString("n");
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        var connection = ConnectionString(name);
        // The key-encryption key goes with the database, as an operator gives every node of a cluster the same file;
        // the console makes it on the first start (in a temp folder, never in the binaries' folder).
        var keyFolder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
        return new TestDatabase(
            [$"Database:Provider=Postgres", $"ConnectionStrings:Console={connection}", $"DataProtection:KeyEncryptionKeyFile={Path.Combine(keyFolder, "data-protection.kek")}"],
            connection,
            async () =>
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                if (Directory.Exists(keyFolder)) Directory.Delete(keyFolder, recursive: true);
            });
    }

    /// <summary>Runs one statement in the server's maintenance database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                await RunAsServerAsync(Path.Combine(Binaries(), "pg_ctl"), "-D", DataFolder, "-m", "immediate", "-w", "stop");
            }
        }
        finally
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Debian's newest installed server (/usr/lib/postgresql/N/bin).</summary>
    private static string Binaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Where(d => File.Exists(Path.Combine(d, "bin", "initdb"))).ToList()
            : [];
        return versions.OrderBy(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).LastOrDefault() is { } newest
            ? Path.Combine(newest, "bin")
            : throw new InvalidOperationException("PostgreSQL is not installed: apt-get install postgresql (test.sh does)");
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>As root the server runs as Debian's postgres user; as anyone else, as that user.</summary>
    private static string ServerUser => IsRoot ? "postgres" : Environment.UserName;

    private static Task RunAsServerAsync(string program, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        // pg_ctl sends the server's own output to its log file (-l), so these ends come when the command ends.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}

/// <summary>The collection every PostgreSQL test class joins: one server for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
