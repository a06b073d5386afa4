using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace BlazorAwsConsole.Tests.Infrastructure;

/// <summary>
/// `backup FILE` and `restore FILE` as an operator runs them: the real executable against the SQLite
/// file of a real console that keeps writing while the copy is made.
/// </summary>
public sealed class BackupRestoreTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static string Database(string path) => $"--ConnectionStrings:Console=Data Source={path}";

    /// <summary>A folder of its own under the temp folder (KeysAtRestTests uses it too).</summary>
    internal static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    [Fact]
    public async Task A_backup_taken_while_the_console_writes_restores_into_the_stopped_console_with_equal_data()
    {
        await using var targets = await LoopbackTargets.StartAsync();
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        var backupPath = Path.Combine(folder, "backups", "nightly.db");
        var console = await ConsoleHost.StartAsync(moto, $"ConnectionStrings:Console=Data Source={databasePath}");
        var before = new List<int>();
        for (var i = 0; i < 3; i++) before.Add(await CreateTestAsync(console, $"before {i}", targets.OpenPort));

        // The console keeps writing through its own API (new tests, stored runs) for the whole backup.
        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = await CreateTestAsync(console, $"during {writes}", targets.OpenPort);
                (await console.Http.PostAsync($"/api/synthetic/tests/{id}/run", null)).EnsureSuccessStatusCode();
                Interlocked.Increment(ref writes);
            }
        });
        await Poll.UntilAsync(() => Volatile.Read(ref writes) >= 2, TimeSpan.FromSeconds(60), () => "the console did not keep writing", everyMs: 50);

        var backup = await ConsoleCli.RunAsync("backup", backupPath, Database(databasePath));
        var writesDuringBackup = Volatile.Read(ref writes);
        await Poll.UntilAsync(() => Volatile.Read(ref writes) >= writesDuringBackup + 2, TimeSpan.FromSeconds(60), () => "the console did not keep writing", everyMs: 50);

        backup.ExitCode.Should().Be(0, backup.Stderr);
        backup.Stdout.Should().Contain("Backed up").And.Contain(backupPath);
        var backedUp = await DumpAsync(backupPath);
        backedUp["SyntheticTests"].Should().HaveCountGreaterThanOrEqualTo(before.Count + 2);

        var refused = await ConsoleCli.RunAsync("restore", backupPath, Database(databasePath));
        refused.ExitCode.Should().Be(1);
        refused.Stderr.Should().Contain("The console is running on").And.Contain("Stop it");

        stop.Cancel();
        await writer;
        var newestBeforeRestore = (await console.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests")).GetProperty("total").GetInt32();
        await console.DisposeAsync();
        newestBeforeRestore.Should().BeGreaterThan(backedUp["SyntheticTests"].Count, "the console wrote on after the backup");

        var restore = await ConsoleCli.RunAsync("restore", backupPath, Database(databasePath));

        restore.ExitCode.Should().Be(0, restore.Stderr);
        restore.Stdout.Should().Contain("Restored");
        var restored = await DumpAsync(databasePath);
        restored.Keys.Should().BeEquivalentTo(backedUp.Keys);
        foreach (var (table, rows) in backedUp) restored[table].Should().Equal(rows, $"table {table} is as it was backed up");

        await using var again = await ConsoleHost.StartAsync(moto, $"ConnectionStrings:Console=Data Source={databasePath}");
        var tests = await again.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests");
        tests.GetProperty("total").GetInt32().Should().Be(backedUp["SyntheticTests"].Count);
        var ids = tests.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToList();
        ids.Should().Contain(before);
        var results = await again.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/results?pageSize=1");
        results.GetProperty("total").GetInt32().Should().Be(backedUp["ProbeResults"].Count);
    }

    [Fact]
    public async Task Restore_refuses_a_file_that_is_not_a_console_database_and_leaves_the_database_alone()
    {
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        (await ConsoleCli.RunAsync("migrate", Database(databasePath))).ExitCode.Should().Be(0);
        var original = await DumpAsync(databasePath);
        var text = Path.Combine(folder, "notes.txt");
        await File.WriteAllTextAsync(text, "not a database at all, just some words long enough to look like a file header");
        var other = Path.Combine(folder, "other.db");
        await using (var connection = new SqliteConnection($"Data Source={other};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE Notes (Id INTEGER PRIMARY KEY, Text TEXT)";
            await create.ExecuteNonQueryAsync();
        }

        var fromText = await ConsoleCli.RunAsync("restore", text, Database(databasePath));
        var fromOther = await ConsoleCli.RunAsync("restore", other, Database(databasePath));
        var fromNothing = await ConsoleCli.RunAsync("restore", Path.Combine(folder, "missing.db"), Database(databasePath));

        fromText.ExitCode.Should().Be(1);
        fromText.Stderr.Should().Contain("is not a console database");
        fromOther.ExitCode.Should().Be(1);
        fromOther.Stderr.Should().Contain("is not a console database").And.Contain("__EFMigrationsHistory");
        fromNothing.ExitCode.Should().Be(1);
        fromNothing.Stderr.Should().Contain("There is no file");
        (await DumpAsync(databasePath)).Should().BeEquivalentTo(original);
    }

    [Fact, System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_backup_file_is_readable_and_writable_by_its_owner_only()
    {
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        (await ConsoleCli.RunAsync("migrate", Database(databasePath))).ExitCode.Should().Be(0);
        var backupPath = Path.Combine(folder, "backups", "nightly.db");

        var backup = await ConsoleCli.RunAsync("backup", backupPath, Database(databasePath));

        backup.ExitCode.Should().Be(0, backup.Stderr);
        // A backup holds users, API-key hashes and the encrypted key ring: nobody but the console's own account reads it.
        File.GetUnixFileMode(backupPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.GetFiles(Path.GetDirectoryName(backupPath)!).Should().Equal([backupPath], "no partial copy is left beside it");
    }

    [Theory]
    [InlineData("trigger", "CREATE TRIGGER planted_trigger AFTER INSERT ON AuditEntries BEGIN DELETE FROM AuditEntries; END")]
    [InlineData("view", "CREATE VIEW planted_view AS SELECT * FROM AuditEntries")]
    public async Task Restore_refuses_a_file_that_carries_a_trigger_or_a_view_and_leaves_the_database_alone(string kind, string sql)
    {
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        (await ConsoleCli.RunAsync("migrate", Database(databasePath))).ExitCode.Should().Be(0);
        var original = await DumpAsync(databasePath);
        // A real console database (its own backup), then given a planted table and the trigger or view.
        var planted = Path.Combine(folder, "planted.db");
        (await ConsoleCli.RunAsync("backup", planted, Database(databasePath))).ExitCode.Should().Be(0);
        await using (var connection = new SqliteConnection($"Data Source={planted};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE TABLE Planted (Id INTEGER PRIMARY KEY); INSERT INTO Planted VALUES (1); {sql}";
            await create.ExecuteNonQueryAsync();
        }

        var restore = await ConsoleCli.RunAsync("restore", planted, Database(databasePath));

        restore.ExitCode.Should().Be(1, restore.Stdout);
        restore.Stderr.Should().Contain($"planted_{kind}").And.Contain(kind).And.NotContain("Restored");
        (await DumpAsync(databasePath)).Should().BeEquivalentTo(original, "nothing of the refused file reached the database");
    }

    [Fact]
    public async Task On_another_provider_backup_and_restore_print_the_engines_command_without_the_password()
    {
        var connection = "--ConnectionStrings:Console=Host=db.example;Port=5433;Username=console;Password=s3cret-pw;Database=console";

        var backup = await ConsoleCli.RunAsync("backup", "/var/backups/console.dump", "--Database:Provider=Postgres", connection);
        var restore = await ConsoleCli.RunAsync("restore", "/var/backups/console.dump", "--Database:Provider=Postgres", connection);

        backup.ExitCode.Should().Be(3, "nothing was copied, so a scheduled backup must not pass as done");
        backup.Stdout.Trim().Should().Be("(umask 077 && pg_dump --format=custom --host=db.example --port=5433 --username=console --dbname=console --file=/var/backups/console.dump)", "the dump is made readable by its owner only");
        backup.Stderr.Should().Contain("Database:Provider is Postgres");
        restore.ExitCode.Should().Be(3);
        restore.Stdout.Trim().Should().Be("pg_restore --clean --if-exists --no-owner --host=db.example --port=5433 --username=console --dbname=console /var/backups/console.dump");
        (backup.Stdout + backup.Stderr + restore.Stdout + restore.Stderr).Should().NotContain("s3cret-pw");
    }

    private static async Task<int> CreateTestAsync(ConsoleHost console, string name, int port)
    {
        var response = await console.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name, type = "port", target = "127.0.0.1", port, frequencySeconds = 3600, timeoutSeconds = 2, enabled = false });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    /// <summary>Every table's rows, in rowid order, each row as text: equal dumps are equal data.</summary>
    private static async Task<Dictionary<string, List<string>>> DumpAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var dump = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
            await using var reader = await select.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++) row.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i) is byte[] b ? Convert.ToHexString(b) : reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                rows.Add(row.ToString());
            }
            dump[table] = rows;
        }
        return dump;
    }
}
