using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// Where a <see cref="ConsoleHost"/> keeps its data: <see cref="Sqlite"/> (a file of its own, the default) or a
/// <see cref="PostgresServer"/> (a database of its own). Test classes that also run on PostgreSQL expose one as a
/// virtual property that their "OnPostgres" subclass overrides, so the same test bodies run on both.
/// </summary>
public abstract class ConsoleDatabase
{
    public static ConsoleDatabase Sqlite { get; } = new SqliteFiles();

    public abstract DatabaseProvider Provider { get; }

    /// <summary>A new empty database: the settings that point a console at it, and its removal.</summary>
    public abstract Task<TestDatabase> CreateAsync();

    public override string ToString() => Provider.ToString();

    private sealed class SqliteFiles : ConsoleDatabase
    {
        public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

        public override Task<TestDatabase> CreateAsync()
        {
            var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(folder);
            var connection = $"Data Source={Path.Combine(folder, "console.db")}";
            return Task.FromResult(new TestDatabase([$"ConnectionStrings:Console={connection}"], connection, () =>
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
                return Task.CompletedTask;
            }));
        }
    }
}

/// <summary>One empty database made for a test: pass <see cref="Settings"/> to every console that shares it.</summary>
public sealed class TestDatabase(string[] settings, string connectionString, Func<Task> remove) : IAsyncDisposable
{
    /// <summary>"Key=Value" settings for <see cref="ConsoleHost.StartAsync(MotoFixture, string[])"/>.</summary>
    public string[] Settings { get; } = settings;

    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync() => await remove();
}
