using BlazorAwsConsole.Probes;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>One stored scheduled run: its test, its scheduled fire time (start − start lag) and its start lag.</summary>
internal readonly record struct StoredRun(int TestId, long ScheduledTicks, double LagMs);

/// <summary>What one soak window shows, counted from the stored results and the target's connections.</summary>
internal sealed record SoakCounts(long Due, long Fired, long FiredTwice, long Stored, long StoredTwice, double LagP50Ms, double LagP99Ms, double LagMaxMs, long LateOverSecond)
{
    /// <summary>Due runs with no stored result (a run stored twice counts once).</summary>
    public long Lost => Due - (Stored - StoredTwice);

    /// <summary>
    /// Counts a window of whole intervals, [start, start + n × interval): every test's trigger started before it, so
    /// each test is due exactly n times in it whatever its phase. A stored run belongs to the window by its scheduled
    /// time; two stored runs of one test less than half an interval apart are one scheduled run stored twice. The
    /// target's connections belong to it by their own time (a run late by most of an interval is still counted, in
    /// the window it ran in); two connections of one test less than half an interval apart are a test run twice.
    /// </summary>
    public static SoakCounts Of(int tests, TimeSpan interval, DateTime start, TimeSpan window, IReadOnlyList<StoredRun> runs,
        IEnumerable<(int TestId, long AtTicks)> hits)
    {
        long from = start.Ticks, to = (start + window).Ticks, half = interval.Ticks / 2;
        var due = tests * (long)(window / interval);
        var inWindow = runs.Where(r => r.ScheduledTicks >= from && r.ScheduledTicks < to).ToList();
        var fired = hits.Where(h => h.AtTicks >= from && h.AtTicks < to).ToList();
        var lags = inWindow.Select(r => r.LagMs).Order().ToList();
        return new SoakCounts(due, fired.Count, CloserThan(fired.Select(h => (h.TestId, h.AtTicks)), half), inWindow.Count,
            CloserThan(inWindow.Select(r => (r.TestId, r.ScheduledTicks)), half),
            lags.Count == 0 ? double.NaN : ProbeRollups.Percentile(lags, 0.50),
            lags.Count == 0 ? double.NaN : ProbeRollups.Percentile(lags, 0.99),
            lags.Count == 0 ? double.NaN : lags[^1], lags.LongCount(lag => lag > 1000));
    }

    /// <summary>How many times a test's time follows its previous one by less than <paramref name="ticks"/>.</summary>
    private static long CloserThan(IEnumerable<(int TestId, long Ticks)> times, long ticks) =>
        times.GroupBy(t => t.TestId).Sum(test =>
        {
            var sorted = test.Select(t => t.Ticks).Order().ToArray();
            return (long)Enumerable.Range(1, Math.Max(0, sorted.Length - 1)).Count(i => sorted[i] - sorted[i - 1] < ticks);
        });
}
