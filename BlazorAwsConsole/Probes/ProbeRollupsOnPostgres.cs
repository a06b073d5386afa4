using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// The rollup on PostgreSQL, set-based: one <c>INSERT … SELECT … GROUP BY</c> per UTC day of raw results (a day is
/// one partition, so each statement reads one partition and nothing else), instead of reading every hour's rows
/// into the process. The figures are the same as <see cref="ProbeRollups"/>' own on SQLite: <c>percentile_disc</c>
/// is the nearest-rank percentile (the value at rank ⌈0.95·n⌉ of the sorted times, as
/// <see cref="ProbeRollups.Percentile"/>), and aggregates skip runs without a response time as the C# path does.
/// </summary>
/// <remarks>
/// Measured at 50 M rows (1,157 tests over 30 days): reading an hour's 69,000 rows into the process, grouping them
/// there and inserting 1,157 rollups through EF cost about 20 s per hour on this 2-core machine, hence hours to catch
/// up on a month; one statement per day does it in one pass over the table.
/// </remarks>
internal static class ProbeRollupsOnPostgres
{
    /// <summary>
    /// Rolls up [<paramref name="from"/>, <paramref name="until"/>) (whole hours; <paramref name="from"/> null: from the
    /// first raw result) and returns how many hours with results it wrote. Each day's hours are replaced whole in one
    /// transaction, so running it again over the same hours gives the same rows; hours without results get no row.
    /// </summary>
    public static async Task<int> RollUpAsync(ConsoleDbContext db, DateTime? from, DateTime until, CancellationToken cancellationToken)
    {
        var hours = 0;
        while (true)
        {
            // The next raw result to roll up: one index probe per partition at most, and only the partitions from
            // `from` on (plan-time pruning on the bound), so a quiet night or a week off is skipped in one step.
            var pending = db.ProbeResults.Where(r => r.StartedAt < until);
            if (from is { } bound) pending = pending.Where(r => r.StartedAt >= bound);
            var next = await pending.MinAsync(r => (DateTime?)r.StartedAt, cancellationToken);
            if (next is null) return hours;
            var start = ProbeRollups.HourOf(next.Value);
            var dayEnd = DateTime.SpecifyKind(next.Value.Date.AddDays(1), DateTimeKind.Utc);
            var end = dayEnd < until ? dayEnd : until;
            hours += await RollUpRangeAsync(db, start, end, cancellationToken);
            from = end;
        }
    }

    /// <summary>Replaces the rollups of the hours in [start, end) (within one UTC day) in one transaction.</summary>
    private static async Task<int> RollUpRangeAsync(ConsoleDbContext db, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ProbeRollups.Where(r => r.Hour >= start && r.Hour < end).ExecuteDeleteAsync(cancellationToken);
        // date_trunc with 'UTC': hours of UTC whatever the session's time zone, as ProbeRollups.HourOf.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "ProbeRollups" ("TestId", "Hour", "Count", "Failures", "Degraded", "MinMs", "AvgMs", "P95Ms", "MaxMs")
            SELECT "TestId", date_trunc('hour', "StartedAt", 'UTC'),
                   count(*), count(*) FILTER (WHERE NOT "Success"), count(*) FILTER (WHERE "Success" AND "Degraded"),
                   min("ResponseTimeMs"), avg("ResponseTimeMs"),
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY "ResponseTimeMs"), max("ResponseTimeMs")
            FROM "ProbeResults"
            WHERE "StartedAt" >= {start} AND "StartedAt" < {end}
            GROUP BY "TestId", date_trunc('hour', "StartedAt", 'UTC')
            """, cancellationToken);
        var hours = await db.ProbeRollups.Where(r => r.Hour >= start && r.Hour < end).Select(r => r.Hour).Distinct().CountAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return hours;
    }
}
