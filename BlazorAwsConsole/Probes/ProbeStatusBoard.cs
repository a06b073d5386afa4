using System.Collections.Concurrent;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

/// <summary>What the lists show for one test: its last result, 24 h success rate and recent response times.</summary>
public sealed record ProbeStatus(ProbeResult? Last, int Runs24h, int Failures24h, IReadOnlyList<double?> Recent, int ConsecutiveFailures = 0)
{
    public double? SuccessRate24h => Runs24h == 0 ? null : 100.0 * (Runs24h - Failures24h) / Runs24h;
}

/// <summary>
/// The live status of every test, held in memory per node (like the fleet snapshot): last result,
/// hourly run/failure counts for the last 24 h and the last <see cref="RecentCount"/> response
/// times for the sparkline. Loaded from the database at start, updated by the result writer, so
/// the tests page never aggregates the history to draw itself.
/// </summary>
public sealed class ProbeStatusBoard(TimeProvider time)
{
    public const int RecentCount = 30;

    private readonly ConcurrentDictionary<int, Entry> _entries = new();

    public ProbeStatus StatusOf(int testId)
    {
        if (!_entries.TryGetValue(testId, out var entry)) return new ProbeStatus(null, 0, 0, []);
        var since = ProbeRollups.HourOf(time.GetUtcNow().UtcDateTime).AddHours(-23);
        // Plain loops, no LINQ lists: the list and the dashboard ask this for every test (50,000 per render, issue 13).
        lock (entry)
        {
            int runs = 0, failures = 0;
            foreach (var (hour, counts) in entry.Hours)
            {
                if (hour < since) continue;
                runs += counts.Runs;
                failures += counts.Failures;
            }
            return new ProbeStatus(entry.Last, runs, failures, entry.Recent.ToArray(), entry.ConsecutiveFailures);
        }
    }

    /// <summary>The test's last result, or null: for callers that need only that (no copy of the hours or the sparkline).</summary>
    public ProbeResult? LastOf(int testId)
    {
        if (!_entries.TryGetValue(testId, out var entry)) return null;
        lock (entry) return entry.Last;
    }

    /// <summary>True when the trace's route differs from the previous run's (both must have answered hops).</summary>
    public bool RouteChanged(int testId, TracerouteDetails trace)
    {
        var previous = _entries.TryGetValue(testId, out var entry) ? entry.Last?.Traceroute : null;
        if (previous is null) return false;
        var before = RouteOf(previous);
        var now = RouteOf(trace);
        return before.Count > 0 && now.Count > 0 && !before.SequenceEqual(now);
    }

    /// <summary>The route as the addresses that answered, in hop order (silent hops are not a change).</summary>
    public static IReadOnlyList<string> RouteOf(TracerouteDetails trace) =>
        trace.Hops.Where(h => h.Address is not null).Select(h => h.Address!).ToList();

    public void Forget(int testId) => _entries.TryRemove(testId, out _);

    public void Record(IEnumerable<ProbeResult> results)
    {
        foreach (var result in results)
        {
            var entry = _entries.GetOrAdd(result.TestId, _ => new Entry());
            lock (entry) entry.Add(result);
        }
    }

    public async Task LoadAsync(IDbContextFactory<ConsoleDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var since = ProbeRollups.HourOf(time.GetUtcNow().UtcDateTime).AddHours(-23);
        var hours = await db.ProbeResults.AsNoTracking()
            .Where(r => r.StartedAt >= since)
            .GroupBy(r => new { r.TestId, r.StartedAt.Year, r.StartedAt.Month, r.StartedAt.Day, r.StartedAt.Hour })
            .Select(g => new { g.Key.TestId, g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, Runs = g.Count(), Failures = g.Count(r => !r.Success) })
            .ToListAsync(cancellationToken);
        // The latest results of each test: the last for the status, the recent ones for the sparkline.
        // Quoted names and an aliased subquery: the same SQL runs on SQLite and PostgreSQL (which folds unquoted names to lower case).
        var recent = await db.ProbeResults.FromSqlRaw(
                """
                SELECT * FROM (
                  SELECT *, ROW_NUMBER() OVER (PARTITION BY "TestId" ORDER BY "Id" DESC) AS "Position" FROM "ProbeResults" WHERE "StartedAt" >= {0}
                ) AS "Ranked" WHERE "Position" <= {1}
                """, since, RecentCount)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        var lastAnyTime = await db.ProbeResults.FromSqlRaw(
                """SELECT * FROM "ProbeResults" WHERE "Id" IN (SELECT MAX("Id") FROM "ProbeResults" GROUP BY "TestId")""")
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        _entries.Clear();
        foreach (var result in lastAnyTime.Concat(recent).OrderBy(r => r.Id).DistinctBy(r => r.Id))
        {
            var entry = _entries.GetOrAdd(result.TestId, _ => new Entry());
            entry.Last = result;
            entry.ConsecutiveFailures = result.Success ? 0 : entry.ConsecutiveFailures + 1;
            if (result.StartedAt >= since) entry.PushRecent(result.ResponseTimeMs);
        }
        foreach (var hour in hours)
        {
            var entry = _entries.GetOrAdd(hour.TestId, _ => new Entry());
            entry.Hours[new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc)] = (hour.Runs, hour.Failures);
        }
    }

        private sealed class Entry
    {
        public ProbeResult? Last;
        /// <summary>Failed runs since the last success (counted over the loaded recent runs after a restart).</summary>
        public int ConsecutiveFailures;
        public readonly Queue<double?> Recent = new();
        public readonly SortedDictionary<DateTime, (int Runs, int Failures)> Hours = new();

        public void Add(ProbeResult result)
        {
            if (Last is null || result.Id > Last.Id) Last = result;
            ConsecutiveFailures = result.Success ? 0 : ConsecutiveFailures + 1;
            PushRecent(result.ResponseTimeMs);
            var hour = ProbeRollups.HourOf(result.StartedAt);
            var (runs, failures) = Hours.GetValueOrDefault(hour);
            Hours[hour] = (runs + 1, failures + (result.Success ? 0 : 1));
            while (Hours.Count > 25) Hours.Remove(Hours.Keys.First());
        }

        public void PushRecent(double? responseTimeMs)
        {
            Recent.Enqueue(responseTimeMs);
            while (Recent.Count > RecentCount) Recent.Dequeue();
        }
    }
}
