using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// Runs a start-up seeding step (regions, roles and the demo admin, the Sandbox demo tests and fleet) while holding
/// the migration's PostgreSQL advisory lock, so nodes that start together seed one after another: each checks what
/// is there and adds only what is missing, and a node never inserts a row another node inserted a moment before.
/// On SQLite there is nothing to take: one file serves one console (<see cref="Backup.ConsoleRunningMarker"/> refuses
/// a second one before any seeding runs).
/// </summary>
public sealed class StartupLock(IDbContextFactory<ConsoleDbContext> contexts)
{
    public async Task RunAsync(Func<CancellationToken, Task> seed, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsNpgsql())
        {
            await seed(cancellationToken);
            return;
        }
        await HoldAsync(db, async () =>
        {
            await seed(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> holding the migration's advisory lock (PostgreSQL) on <paramref name="db"/>'s
    /// connection, kept open meanwhile: the lock belongs to the session that took it, and goes with it if the node dies.
    /// </summary>
    public static async Task<T> HoldAsync<T>(ConsoleDbContext db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            // No command timeout: another node may hold the lock for as long as its migrations or seeding the demo fleet take.
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({DatabaseMigrator.MigrationLockKey})", connection) { CommandTimeout = 0 })
            {
                await take.ExecuteNonQueryAsync(cancellationToken);
            }
            try
            {
                return await work();
            }
            finally
            {
                // Closing the session would free it too; unlocking says so at once, for the nodes waiting.
                await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({DatabaseMigrator.MigrationLockKey})", connection);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
