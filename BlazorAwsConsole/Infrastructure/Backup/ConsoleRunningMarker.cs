using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Infrastructure.Backup;

/// <summary>
/// Holds <see cref="ConsoleDatabaseLock"/> while the console runs on a SQLite file, so `restore`
/// can refuse to replace the data under it. A second console on the same file is refused at start.
/// </summary>
public sealed class ConsoleRunningMarker(IDbContextFactory<ConsoleDbContext> contexts, IConfiguration configuration) : IHostedService, IDisposable
{
    private ConsoleDatabaseLock? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (InfrastructureFeature.ProviderOf(configuration) != DatabaseProvider.Sqlite) return;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (ConsoleDatabaseLock.PathFor(db.Database.GetConnectionString()!) is not { } path) return;
        _lock = ConsoleDatabaseLock.TryTake(path) ?? throw new InvalidOperationException(
            $"Another console (or a `restore`) is using this database: {path} is locked. Stop it first; one SQLite file serves one console.");
    }

    /// <summary>Stopped last (registered first), after every job and the result writer have finished with the file.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
