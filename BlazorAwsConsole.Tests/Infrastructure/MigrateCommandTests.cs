using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BlazorAwsConsole.Tests.Infrastructure;

public class MigrateCommandTests
{
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    [Fact]
    public async Task Migrate_creates_the_schema_in_the_configured_database_and_exits()
    {
        await using var database = await Database.CreateAsync();

        var exitCode = await Program.Main(["migrate", .. database.Settings.Select(s => "--" + s)]);

        exitCode.Should().Be(0);
        (await TablesAsync(database)).Should().Contain(["Instances", "InstanceChanges", "Regions", "ProbeResults", "DataProtectionKeys", "__EFMigrationsHistory"]);
    }

    protected async Task<List<string>> TablesAsync(TestDatabase database)
    {
        var tables = new List<string>();
        if (Database.Provider == DatabaseProvider.Sqlite)
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync();
            var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        else
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        return tables;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class MigrateCommandTestsOnPostgres(PostgresServer postgres) : MigrateCommandTests
{
    protected override ConsoleDatabase Database => postgres;

    [Fact]
    public async Task Migrate_creates_a_database_that_does_not_exist_yet()
    {
        var name = "absent_" + Guid.NewGuid().ToString("n");
        var database = new TestDatabase(
            ["Database:Provider=Postgres", $"ConnectionStrings:Console={postgres.ConnectionString(name)}"],
            postgres.ConnectionString(name),
            () => postgres.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        await using (database)
        {
            var exitCode = await Program.Main(["migrate", .. database.Settings.Select(s => "--" + s)]);

            exitCode.Should().Be(0);
            (await TablesAsync(database)).Should().Contain(["Instances", "DataProtectionKeys", "__EFMigrationsHistory"]);
        }
    }

    [Fact]
    public async Task Nodes_migrating_the_same_empty_database_at_once_leave_one_complete_schema()
    {
        await using var database = await postgres.CreateAsync();
        string[] args = ["migrate", .. database.Settings.Select(s => "--" + s)];

        var exitCodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Program.Main(args))));

        exitCodes.Should().AllBeEquivalentTo(0);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT COUNT(*), COUNT(DISTINCT "MigrationId") FROM "__EFMigrationsHistory" """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        await using var model = new PostgresConsoleDbContext(new DbContextOptionsBuilder<ConsoleDbContext>().UseNpgsql(database.ConnectionString).Options);
        long migrations = model.Database.GetMigrations().Count();
        (reader.GetInt64(0), reader.GetInt64(1)).Should().Be((migrations, migrations), "each PostgreSQL migration is applied once, whoever took the lock first");
        (await TablesAsync(database)).Should().Contain(["Instances", "ProbeResults", "DataProtectionKeys"]);
    }
}
