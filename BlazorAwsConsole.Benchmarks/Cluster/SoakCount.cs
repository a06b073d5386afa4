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
    /// time; two stored runs of one test less than half an interval apart are one scheduled run stored twice. A
    /// connection at the target belongs to the scheduled run just before it (its test's grid, known from the test's
    /// stored runs; its own time when it has none), so fired and stored are counted by the same clock.
    /// </summary>
    public static SoakCounts Of(int tests, TimeSpan interval, DateTime start, TimeSpan window, IReadOnlyList<StoredRun> runs,
        IEnumerable<(int TestId, long AtTicks)> hits)
    {
        long from = start.Ticks, to = (start + window).Ticks, step = interval.Ticks;
        var due = tests * (long)(window / interval);
        // A test's grid phase (scheduled time modulo the interval), from any of its runs.
        var phase = new Dictionary<int, long>();
        foreach (var run in runs) phase.TryAdd(run.TestId, run.ScheduledTicks % step);

        var inWindow = runs.Where(r => r.ScheduledTicks >= from && r.ScheduledTicks < to).ToList();
        long storedTwice = 0;
        foreach (var test in inWindow.GroupBy(r => r.TestId))
        {
            var times = test.Select(r => r.ScheduledTicks).Order().ToArray();
            for (var i = 1; i < times.Length; i++) if (times[i] - times[i - 1] < step / 2) storedTwice++;
        }

        // A connection comes after its scheduled time (start lag + connect); a second of slack covers the ms by which
        // a stored scheduled time (start − lag, two clock reads) can be later than Quartz's.
        var slack = TimeSpan.TicksPerSecond;
        var fired = new Dictionary<(int, long), int>();
        foreach (var (testId, at) in hits)
        {
            var scheduled = phase.TryGetValue(testId, out var p) ? p + (at - p + slack) / step * step : at;
            if (scheduled < from || scheduled >= to) continue;
            fired[(testId, scheduled)] = fired.GetValueOrDefault((testId, scheduled)) + 1;
        }

        var lags = inWindow.Select(r => r.LagMs).Order().ToList();
        return new SoakCounts(due, fired.Count, fired.Values.Sum(n => n - 1L), inWindow.Count, storedTwice,
            lags.Count == 0 ? double.NaN : ProbeRollups.Percentile(lags, 0.50),
            lags.Count == 0 ? double.NaN : ProbeRollups.Percentile(lags, 0.99),
            lags.Count == 0 ? double.NaN : lags[^1], lags.LongCount(lag => lag > 1000));
    }
}
