using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Infrastructure.Backup;

/// <summary>
/// `BlazorAwsConsole backup FILE` (while the console runs) and `BlazorAwsConsole restore FILE` (into a
/// stopped console). On SQLite they copy the database; on any other Database:Provider they print
/// the engine's own dump or restore command and exit 3, so a scheduled backup never passes silently.
/// </summary>
public static class BackupCli
{
    public const int Refused = 1;
    public const int UseEngineTool = 3;

    /// <summary>Keeps stdout for the command's answer, as the other admin verbs do.</summary>
    private static readonly string[] LogsToStandardError = ["--Logging:Console:LogToStandardErrorThreshold=Trace", "--Logging:LogLevel:Default=Warning"];

    public static Task<int> BackupAsync(string file, string[] args) => RunAsync(args, async (connectionString, _) =>
    {
        var summary = await SqliteBackup.BackupAsync(connectionString, file, CancellationToken.None);
        Console.WriteLine($"Backed up {DataSource(connectionString)} to {Path.GetFullPath(file)}: {summary}.");
        return 0;
    }, connectionString => PostgresDumpCommand.Dump(connectionString, file));

    public static Task<int> RestoreAsync(string file, string[] args) => RunAsync(args, async (connectionString, app) =>
    {
        if (ConsoleDatabaseLock.PathFor(connectionString) is not { } lockPath)
        {
            throw new BackupRefused("ConnectionStrings:Console is an in-memory database; there is nothing to restore into.");
        }
        // Held while the data is replaced, so a console started meanwhile refuses to start on it.
        using var held = ConsoleDatabaseLock.TryTake(lockPath) ?? throw new BackupRefused(
            $"The console is running on {DataSource(connectionString)} ({lockPath} is locked). Stop it, then run restore again.");
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var summary = await SqliteBackup.RestoreAsync(file, connectionString, db.Database.GetMigrations().ToList(), CancellationToken.None);
        Console.WriteLine($"Restored {Path.GetFullPath(file)} into {DataSource(connectionString)}: {summary}. Start the console; it applies any newer migrations as it starts.");
        return 0;
    }, connectionString => PostgresDumpCommand.Restore(connectionString, file));

    private static async Task<int> RunAsync(string[] args, Func<string, WebApplication, Task<int>> sqlite, Func<string, string> engineCommand)
    {
        // Which engine holds the data is read first: another provider's connection string is no SQLite one.
        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }).Configuration;
        var provider = InfrastructureFeature.ProviderOf(configuration);
        if (provider != DatabaseProvider.Sqlite)
        {
            await Console.Error.WriteLineAsync($"Database:Provider is {provider}: the console does not copy that database itself. Use the engine's tool (the password is read from PGPASSWORD or ~/.pgpass):");
            Console.WriteLine(engineCommand(configuration.GetConnectionString("Console") ?? ""));
            return UseEngineTool;
        }
        // Built, not started: the context factory opens the database the way the console would.
        await using var app = Program.Build([.. args, .. LogsToStandardError]);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            try
            {
                return await sqlite(db.Database.GetConnectionString()!, app);
            }
            catch (BackupRefused refused)
            {
                await Console.Error.WriteLineAsync(refused.Message);
                return Refused;
            }
        }
    }

    private static string DataSource(string connectionString) =>
        Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource);
}
