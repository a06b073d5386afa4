using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Keeps the history small and fast: rolls every finished hour of raw results into one row per
/// test (count, failures, degraded runs, min/avg/p95/max of the response time), then deletes raw results older
/// than Probes:RetentionDays (on PostgreSQL by dropping whole day partitions, and making the days ahead) and
/// rollups older than Probes:RollupRetentionDays.
/// </summary>
public sealed class ProbeRollups(IDbContextFactory<ConsoleDbContext> contexts, IOptionsMonitor<ProbeOptions> options, TimeProvider time, ILogger<ProbeRollups> logger)
{
    /// <summary>A result is stored after its run ends, at most the longest timeout after the hour it started in.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    /// <summary>Rolls up the hours that are over (and settled) and not yet rolled up; returns how many hours with results it wrote.</summary>
    public async Task<int> RollUpAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lastRolled = await db.ProbeRollups.MaxAsync(r => (DateTime?)r.Hour, cancellationToken);
        var until = HourOf(time.GetUtcNow().UtcDateTime - Settle);
        // PostgreSQL rolls up in the database, a day per statement (see ProbeRollupsOnPostgres for why).
        if (db.Database.IsNpgsql()) return await ProbeRollupsOnPostgres.RollUpAsync(db, lastRolled?.AddHours(1), until, cancellationToken);

        var firstRaw = await db.ProbeResults.MinAsync(r => (DateTime?)r.StartedAt, cancellationToken);
        if (firstRaw is null) return 0;
        var from = lastRolled?.AddHours(1) ?? HourOf(firstRaw.Value);
        if (from < HourOf(firstRaw.Value)) from = HourOf(firstRaw.Value);
        var hours = 0;
        for (var hour = from; hour < until;)
        {
            // Skip the hours without results (a quiet night, a console that was off) in one step.
            var next = await db.ProbeResults.Where(r => r.StartedAt >= hour).MinAsync(r => (DateTime?)r.StartedAt, cancellationToken);
            if (next is null || HourOf(next.Value) >= until) break;
            hour = HourOf(next.Value);
            await RollUpHourAsync(db, hour, cancellationToken);
            hours++;
            hour = hour.AddHours(1);
        }
        return hours;
    }

    /// <summary>Deletes raw results and rollups past their retention; returns the raw rows deleted (or dropped with their partition).</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rawBefore = now.AddDays(-settings.RetentionDays);
        var rollupsBefore = now.AddDays(-settings.RollupRetentionDays);
        // On PostgreSQL whole days go at once (their partitions are dropped); what is left before the cut-off (part of
        // the boundary day, late rows in the default partition) and every row on SQLite is deleted row by row.
        var postgres = db.Database.IsNpgsql();
        var dropped = postgres ? await ProbeResultPartitions.DropDaysBeforeAsync(db, rawBefore, cancellationToken) : 0;
        var deleted = dropped + await db.ProbeResults.Where(r => r.StartedAt < rawBefore).ExecuteDeleteAsync(cancellationToken);
        await db.ProbeRollups.Where(r => r.Hour < rollupsBefore).ExecuteDeleteAsync(cancellationToken);
        if (postgres) await ProbeResultPartitions.EnsureDaysAsync(db, ProbeResultPartitions.DaysAround(now), cancellationToken);
        if (deleted > 0) logger.LogInformation("Deleted {Count} probe results older than {Days} days", deleted, settings.RetentionDays);
        return (int)Math.Min(deleted, int.MaxValue);
    }

    private static async Task RollUpHourAsync(ConsoleDbContext db, DateTime hour, CancellationToken cancellationToken)
    {
        var end = hour.AddHours(1);
        var rows = await db.ProbeResults.AsNoTracking()
            .Where(r => r.StartedAt >= hour && r.StartedAt < end)
            .Select(r => new { r.TestId, r.Success, r.Degraded, r.ResponseTimeMs })
            .ToListAsync(cancellationToken);
        var rollups = rows.GroupBy(r => r.TestId).Select(g => Summarize(g.Key, hour, g.Select(r => (r.Success, r.Degraded, r.ResponseTimeMs)))).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ProbeRollups.Where(r => r.Hour == hour).ExecuteDeleteAsync(cancellationToken);
        db.ProbeRollups.AddRange(rollups);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// One test's hour: runs, failures, degraded runs (passed but slow), and min/avg/p95/max of the response times
    /// of the runs that have one. PostgreSQL computes the same in SQL (ProbeRollupsOnPostgres).
    /// </summary>
    public static ProbeRollup Summarize(int testId, DateTime hour, IEnumerable<(bool Success, bool Degraded, double? ResponseTimeMs)> runs)
    {
        var all = runs.ToList();
        var times = all.Where(r => r.ResponseTimeMs is not null).Select(r => r.ResponseTimeMs!.Value).Order().ToList();
        return new ProbeRollup
        {
            TestId = testId,
            Hour = hour,
            Count = all.Count,
            Failures = all.Count(r => !r.Success),
            Degraded = all.Count(r => r.Success && r.Degraded),
            MinMs = times.Count > 0 ? times[0] : null,
            AvgMs = times.Count > 0 ? times.Average() : null,
            P95Ms = times.Count > 0 ? Percentile(times, 0.95) : null,
            MaxMs = times.Count > 0 ? times[^1] : null,
        };
    }

    /// <summary>Nearest-rank percentile of sorted values: the value at rank ⌈fraction·n⌉ (PostgreSQL's percentile_disc).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static DateTime HourOf(DateTime at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc);
}

/// <summary>Runs the rollup and the retention every few minutes. Never overlaps itself.</summary>
[DisallowConcurrentExecution]
public sealed class ProbeRollupJob(ProbeRollups rollups) : IJob
{
    public static readonly JobKey Key = new("probe-rollup", "probes");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await rollups.RollUpAsync(cancellationToken);
        await rollups.PruneAsync(cancellationToken);
    }
}
