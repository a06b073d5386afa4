using System.Collections.Concurrent;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

/// <summary>What the lists show for one test: its last result, 24 h success rate and recent response times.</summary>
public sealed record ProbeStatus(ProbeResult? Last, int Runs24h, int Failures24h, IReadOnlyList<double?> Recent, int ConsecutiveFailures = 0)
{
    /// <summary>The latest result from each location the test ran from, by location key (<see cref="ProbeLocations.ProbeLocation.KeyOf"/>).</summary>
    public IReadOnlyDictionary<string, ProbeResult> LastByLocation { get; init; } = new Dictionary<string, ProbeResult>();
    /// <summary>Failed runs since the last success at each location, by location key.</summary>
    public IReadOnlyDictionary<string, int> ConsecutiveFailuresByLocation { get; init; } = new Dictionary<string, int>();

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
            return new ProbeStatus(entry.Last, runs, failures, entry.Recent.ToArray(), entry.ConsecutiveFailures)
            {
                LastByLocation = entry.ByLocation,
                ConsecutiveFailuresByLocation = entry.FailuresByLocation,
            };
        }
    }

    /// <summary>The test's last result, or null: for callers that need only that (no copy of the hours or the sparkline).</summary>
    public ProbeResult? LastOf(int testId)
    {
        if (!_entries.TryGetValue(testId, out var entry)) return null;
        lock (entry) return entry.Last;
    }

    /// <summary>The latest result from each location, by location key; empty when the test has not run.</summary>
    public IReadOnlyDictionary<string, ProbeResult> LastByLocationOf(int testId)
    {
        if (!_entries.TryGetValue(testId, out var entry)) return Entry.NoLocations;
        lock (entry) return entry.ByLocation;
    }

    /// <summary>
    /// True when the trace's route differs from the previous run's from the same location (both must have answered hops):
    /// two locations see two paths, which is no change.
    /// </summary>
    public bool RouteChanged(int testId, string location, TracerouteDetails trace)
    {
        var previous = LastByLocationOf(testId).GetValueOrDefault(ProbeLocations.ProbeLocation.KeyOf(location))?.Traceroute;
        if (previous is null) return false;
        var before = RouteOf(previous);
        var now = RouteOf(trace);
        return before.Count > 0 && now.Count > 0 && !before.SequenceEqual(now);
    }

    /// <summary>The route as the addresses that answered, in hop order (silent hops are not a change).</summary>
    public static IReadOnlyList<string> RouteOf(TracerouteDetails trace) =>
        trace.Hops.Where(h => h.Address is not null).Select(h => h.Address!).ToList();

    public void Forget(int testId) => _entries.TryRemove(testId, out _);

    /// <summary>
    /// How far back <see cref="CatchUpAsync"/> looks for results the board lacks. Ids are remembered a minute longer,
    /// so a result taken once (from its notice, the writer or a catch-up) is never counted twice.
    /// </summary>
    public static readonly TimeSpan CatchUpWindow = TimeSpan.FromMinutes(5);

    /// <returns>The results the board did not hold yet (a stored result it already took is skipped).</returns>
    public List<ProbeResult> Record(IEnumerable<ProbeResult> results)
    {
        var taken = new List<ProbeResult>();
        foreach (var result in results)
        {
            var entry = _entries.GetOrAdd(result.TestId, _ => new Entry());
            lock (entry)
            {
                if (entry.Add(result)) taken.Add(result);
            }
        }
        return taken;
    }

    /// <summary>
    /// The safety net behind other nodes' notices (a node re-reads its views on a timer): the tests for which more
    /// results were stored in the last <see cref="CatchUpWindow"/> than the board took are read again, and what the
    /// board lacks is recorded. Returns what was recorded. One grouped query when nothing is missing.
    /// </summary>
    public async Task<List<ProbeResult>> CatchUpAsync(IDbContextFactory<ConsoleDbContext> contexts, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime - CatchUpWindow;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.ProbeResults.AsNoTracking().Where(r => r.StartedAt >= since)
            .GroupBy(r => r.TestId).Select(g => new { TestId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var behind = stored.Where(s => s.Count > TakenSince(s.TestId, since)).Select(s => s.TestId).ToList();
        if (behind.Count == 0) return [];
        var missing = await db.ProbeResults.AsNoTracking().Where(r => r.StartedAt >= since && behind.Contains(r.TestId))
            .OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return Record(missing);
    }

    private int TakenSince(int testId, DateTime since)
    {
        if (!_entries.TryGetValue(testId, out var entry)) return 0;
        lock (entry) return entry.TakenSince(since);
    }

    public async Task LoadAsync(IDbContextFactory<ConsoleDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // One snapshot for every read below, so the hours and the ids counted in them agree.
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
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
        // The last of each test from each of its locations (the test's last is the newest of them).
        var lastAnyTime = await db.ProbeResults.FromSqlRaw(
                """SELECT * FROM "ProbeResults" WHERE "Id" IN (SELECT MAX("Id") FROM "ProbeResults" GROUP BY "TestId", "Location")""")
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        // The results already counted in the hours above: a catch-up or a late notice must not count them again.
        var takenSince = time.GetUtcNow().UtcDateTime - CatchUpWindow - TimeSpan.FromMinutes(1);
        var counted = await db.ProbeResults.AsNoTracking().Where(r => r.StartedAt >= takenSince)
            .Select(r => new { r.TestId, r.Id, r.StartedAt }).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        _entries.Clear();
        foreach (var result in lastAnyTime.Concat(recent).OrderBy(r => r.Id).DistinctBy(r => r.Id))
        {
            var entry = _entries.GetOrAdd(result.TestId, _ => new Entry());
            entry.Last = result;
            entry.SetLocation(result);
            entry.ConsecutiveFailures = result.Success ? 0 : entry.ConsecutiveFailures + 1;
            if (result.StartedAt >= since) entry.PushRecent(result.ResponseTimeMs);
        }
        foreach (var result in counted.OrderBy(r => r.StartedAt))
        {
            _entries.GetOrAdd(result.TestId, _ => new Entry()).Remember(result.Id, result.StartedAt);
        }
        foreach (var hour in hours)
        {
            var entry = _entries.GetOrAdd(hour.TestId, _ => new Entry());
            entry.Hours[new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc)] = (hour.Runs, hour.Failures);
        }
    }

    private sealed class Entry
    {
        public static readonly IReadOnlyDictionary<string, ProbeResult> NoLocations = new Dictionary<string, ProbeResult>();

        public ProbeResult? Last;
        // The two per-location maps are replaced, never changed, on a result (copy on write): the lists and the dashboard
        // read them for every test per render and may hold them without a copy; a test has a handful of locations.
        /// <summary>The latest result from each location, by location key: what the test's verdict is made of.</summary>
        public IReadOnlyDictionary<string, ProbeResult> ByLocation = NoLocations;
        /// <summary>Failed runs since the last success at each location, by location key: what alert rules count.</summary>
        public IReadOnlyDictionary<string, int> FailuresByLocation = new Dictionary<string, int>();
        /// <summary>Failed runs since the last success (counted over the loaded recent runs after a restart).</summary>
        public int ConsecutiveFailures;
        public readonly Queue<double?> Recent = new();
        public readonly SortedDictionary<DateTime, (int Runs, int Failures)> Hours = new();

        /// <summary>Ids of the results taken lately, oldest first (see <see cref="CatchUpWindow"/>).</summary>
        private readonly Queue<(long Id, DateTime StartedAt)> _taken = new();
        private readonly HashSet<long> _takenIds = [];

        /// <returns>False for a stored result taken before (it arrived twice: its notice and a catch-up).</returns>
        public bool Add(ProbeResult result)
        {
            // Id 0: not stored (component tests record such results); nothing to know it by.
            if (result.Id != 0 && !Remember(result.Id, result.StartedAt)) return false;
            // One older than the last (a notice caught up late) counts in its hour, but does not change the run of failures or the sparkline.
            var older = Last is not null && result.Id != 0 && result.Id < Last.Id;
            if (Last is null || result.Id > Last.Id) Last = result;
            if (!ByLocation.TryGetValue(ProbeLocations.ProbeLocation.KeyOf(result.Location), out var there) || result.ScheduledAt >= there.ScheduledAt)
            {
                SetLocation(result);
            }
            if (!older)
            {
                ConsecutiveFailures = result.Success ? 0 : ConsecutiveFailures + 1;
                PushRecent(result.ResponseTimeMs);
            }
            var hour = ProbeRollups.HourOf(result.StartedAt);
            var (runs, failures) = Hours.GetValueOrDefault(hour);
            Hours[hour] = (runs + 1, failures + (result.Success ? 0 : 1));
            while (Hours.Count > 25) Hours.Remove(Hours.Keys.First());
            return true;
        }

        /// <summary>The result becomes its location's latest; the location's failures in a row follow it.</summary>
        public void SetLocation(ProbeResult result)
        {
            var location = ProbeLocations.ProbeLocation.KeyOf(result.Location);
            var failures = result.Success ? 0 : FailuresByLocation.GetValueOrDefault(location) + 1;
            ByLocation = new Dictionary<string, ProbeResult>(ByLocation, StringComparer.Ordinal) { [location] = result };
            FailuresByLocation = new Dictionary<string, int>(FailuresByLocation, StringComparer.Ordinal) { [location] = failures };
        }

        public bool Remember(long id, DateTime startedAt)
        {
            if (!_takenIds.Add(id)) return false;
            _taken.Enqueue((id, startedAt));
            var forget = startedAt - CatchUpWindow - TimeSpan.FromMinutes(1);
            while (_taken.Peek().StartedAt < forget) _takenIds.Remove(_taken.Dequeue().Id);
            return true;
        }

        public int TakenSince(DateTime since)
        {
            var count = 0;
            foreach (var (_, startedAt) in _taken)
            {
                if (startedAt >= since) count++;
            }
            return count;
        }

        public void PushRecent(double? responseTimeMs)
        {
            Recent.Enqueue(responseTimeMs);
            while (Recent.Count > RecentCount) Recent.Dequeue();
        }
    }
}
