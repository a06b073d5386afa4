using BlazorAwsConsole.Infrastructure;
using Microsoft.Data.Sqlite;

namespace BlazorAwsConsole.Tests.Infrastructure;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_creates_the_schema_in_the_configured_database_and_exits()
    {
        var file = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"), "migrated.db");

        var exitCode = await Program.Main(["migrate", $"--ConnectionStrings:Console=Data Source={file}"]);

        exitCode.Should().Be(0);
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        tables.Should().Contain(["Instances", "InstanceChanges", "Regions", "__EFMigrationsHistory"]);
    }
}
