using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>Applies migrations at start-up (unless switched off) before any other feature touches the database.</summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    /// <summary>The PostgreSQL advisory lock every node takes around its migrations ("BACMIGR" in ASCII).</summary>
    internal const long MigrationLockKey = 0x42_41_43_4D_49_47_52;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateAtStartup) await MigrateAsync(scopes, logger, cancellationToken);
    }

    public static async Task MigrateAsync(IServiceScopeFactory scopes, ILogger logger, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var applied = db.Database.IsNpgsql()
            ? await MigratePostgresAsync(db, logger, cancellationToken)
            : await MigrateOnceAsync(db, cancellationToken);
        logger.LogInformation("Database ready; {Count} migration(s) applied", applied);
    }

    private static async Task<int> MigrateOnceAsync(ConsoleDbContext db, CancellationToken cancellationToken)
    {
        // An empty database has no history table yet; asking it for applied migrations would log a failed query.
        var pending = await db.GetService<IHistoryRepository>().ExistsAsync(cancellationToken)
            ? (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count()
            : db.Database.GetMigrations().Count();
        await db.Database.MigrateAsync(cancellationToken);
        return pending;
    }

    /// <summary>
    /// Nodes starting together all migrate: a session advisory lock lets one apply the migrations while the
    /// others wait, then find nothing pending. The lock goes with the session, so a node that dies mid-way frees it.
    /// </summary>
    private static async Task<int> MigratePostgresAsync(ConsoleDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        await CreateDatabaseIfMissingAsync(db, logger, cancellationToken);
        return await StartupLock.HoldAsync(db, async () =>
        {
            // Made here, under the lock, so EF Core does not first log a failed read of a table that is not there yet.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            var applied = await MigrateOnceAsync(db, cancellationToken);
            // Quartz's clustered job store lives in the same database; its tables are kept outside EF Core's model.
            await Cluster.QuartzSchema.CreateIfMissingAsync(db, cancellationToken);
            // Tests run on each node's own timers now: the per-test triggers an older version kept in the clustered store go.
            await Cluster.QuartzSchema.RemovePerTestTriggersAsync(db, logger, cancellationToken);
            // The raw results table is partitioned by day, which EF's model cannot say either.
            await Probes.ProbeResultPartitions.CreateOrConvertAsync(db, DateTime.UtcNow, cancellationToken);
            return applied;
        }, cancellationToken);
    }

    /// <summary>Like SQLite's file, the database is made on first start; a node that loses the race to create it carries on.</summary>
    private static async Task CreateDatabaseIfMissingAsync(ConsoleDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken)) return;
        try
        {
            await creator.CreateAsync(cancellationToken);
            logger.LogInformation("Created the PostgreSQL database {Database}", db.Database.GetDbConnection().Database);
        }
        catch (PostgresException error) when (error.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another node created it a moment ago.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
