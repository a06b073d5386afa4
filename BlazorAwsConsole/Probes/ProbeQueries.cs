using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Export;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// A point of a response-time chart: a raw result (with the location it ran from), or an hour's rollup (with its p95 and
/// failures; rollups are per test, over all its locations, so their location is null).
/// </summary>
public sealed record TrendPoint(DateTime At, double? ResponseTimeMs, double? P95Ms, int Runs, int Failures, int Degraded, string? Location = null);

/// <summary>A test's response times over a range, and its success rate over the same range.</summary>
public sealed record Trend(string Range, bool FromRollups, IReadOnlyList<TrendPoint> Points, int Runs, int Failures, int Degraded)
{
    public double? SuccessRate => Runs == 0 ? null : 100.0 * (Runs - Failures) / Runs;
}

/// <summary>One route a traceroute test took, and from when to when.</summary>
public sealed record RoutePeriod(IReadOnlyList<string> Route, DateTime From, DateTime To, int Runs);

/// <summary>Reads the history: result pages, trends (raw for short ranges, hourly rollups for long ones) and routes.</summary>
public sealed class ProbeQueries(IDbContextFactory<ConsoleDbContext> contexts, TimeProvider time)
{
    public static readonly IReadOnlyDictionary<string, TimeSpan> Ranges = new Dictionary<string, TimeSpan>
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
    };

    /// <summary>Raw points are drawn for ranges up to a day; longer ones read the hourly rollups.</summary>
    public static bool UsesRollups(TimeSpan range) => range > TimeSpan.FromDays(1);

    public async Task<(List<ProbeResult> Items, int Total)> ResultsAsync(ProbeResultFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = filter.Apply(db.ProbeResults.AsNoTracking());
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    public async Task<ProbeResult?> LatestAsync(int testId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ProbeResults.AsNoTracking().Where(r => r.TestId == testId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<Trend> TrendAsync(int testId, string range, CancellationToken cancellationToken)
    {
        var span = Ranges[range];
        var now = time.GetUtcNow().UtcDateTime;
        var from = now - span;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!UsesRollups(span))
        {
            var raw = await db.ProbeResults.AsNoTracking()
                .Where(r => r.TestId == testId && r.StartedAt >= from)
                .OrderBy(r => r.StartedAt)
                .Select(r => new TrendPoint(r.StartedAt, r.ResponseTimeMs, null, 1, r.Success ? 0 : 1, r.Success && r.Degraded ? 1 : 0, r.Location))
                .ToListAsync(cancellationToken);
            return new Trend(range, false, raw, raw.Count, raw.Sum(p => p.Failures), raw.Sum(p => p.Degraded));
        }

        var firstHour = ProbeRollups.HourOf(from);
        var hours = await db.ProbeRollups.AsNoTracking()
            .Where(r => r.TestId == testId && r.Hour >= firstHour)
            .OrderBy(r => r.Hour)
            .Select(r => new TrendPoint(r.Hour, r.AvgMs, r.P95Ms, r.Count, r.Failures, r.Degraded))
            .ToListAsync(cancellationToken);
        // The hours not rolled up yet (the current one, and any the job has not reached) come from the raw results.
        var rolledUntil = hours.Count > 0 ? hours[^1].At.AddHours(1) : firstHour;
        var recent = await db.ProbeResults.AsNoTracking()
            .Where(r => r.TestId == testId && r.StartedAt >= rolledUntil)
            .Select(r => new { r.StartedAt, r.ResponseTimeMs, r.Success, r.Degraded })
            .ToListAsync(cancellationToken);
        hours.AddRange(recent.GroupBy(r => ProbeRollups.HourOf(r.StartedAt)).OrderBy(g => g.Key).Select(g =>
        {
            var times = g.Where(r => r.ResponseTimeMs is not null).Select(r => r.ResponseTimeMs!.Value).Order().ToList();
            return new TrendPoint(g.Key, times.Count > 0 ? times.Average() : null, times.Count > 0 ? ProbeRollups.Percentile(times, 0.95) : null,
                g.Count(), g.Count(r => !r.Success), g.Count(r => r.Success && r.Degraded));
        }));
        return new Trend(range, true, hours, hours.Sum(h => h.Runs), hours.Sum(h => h.Failures), hours.Sum(h => h.Degraded));
    }

    /// <summary>The routes a traceroute test took over the range, oldest first (each change starts a new period).</summary>
    public async Task<List<RoutePeriod>> RoutesAsync(int testId, TimeSpan range, CancellationToken cancellationToken)
    {
        var from = time.GetUtcNow().UtcDateTime - range;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var traces = await db.ProbeResults.AsNoTracking()
            .Where(r => r.TestId == testId && r.StartedAt >= from && r.Traceroute != null)
            .OrderBy(r => r.Id)
            .Select(r => new { r.StartedAt, r.Traceroute })
            .ToListAsync(cancellationToken);
        var periods = new List<RoutePeriod>();
        foreach (var trace in traces)
        {
            var route = ProbeStatusBoard.RouteOf(trace.Traceroute!);
            if (route.Count == 0) continue;
            if (periods.Count > 0 && periods[^1].Route.SequenceEqual(route))
            {
                periods[^1] = periods[^1] with { To = trace.StartedAt, Runs = periods[^1].Runs + 1 };
            }
            else
            {
                periods.Add(new RoutePeriod(route, trace.StartedAt, trace.StartedAt, 1));
            }
        }
        return periods;
    }
}
