using System.Globalization;

namespace BlazorAwsConsole.Benchmarks.Locations;

/// <summary>What the target saw of the due runs in a window: runs made, runs made more than once per location, runs not made.</summary>
internal sealed record HitCounts(long Hits, long MadeTwice, long NotMade);

/// <summary>
/// Reads nginx's hit log (<c>seconds.millis /PREFIX/i</c> per request, <see cref="Probes.NginxTarget.HitLog"/>): test i of a
/// phase asks for <c>/PREFIX/i</c>. All locations run on this machine, so nginx cannot tell them apart; each hit is put
/// to the due run it belongs to instead — the test's phase (its scheduled times modulo the interval, read from its
/// stored runs) and the hit's time give the scheduled time — and a due run hit more often than there are locations was
/// made twice by someone.
/// </summary>
internal static class TargetHits
{
    /// <summary>A hit up to this much before its scheduled time (timer jitter) still belongs to it; later ones up to an interval minus this.</summary>
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(5);

    public static HitCounts Count(string hitLog, string prefix, IReadOnlyDictionary<int, int> testIdsByIndex, IReadOnlyDictionary<int, long> phaseTicksByTestId,
        int locations, DateTime start, int minutes, TimeSpan interval)
    {
        long from = start.Ticks, to = (start + TimeSpan.FromMinutes(minutes)).Ticks, step = interval.Ticks;
        var perRun = new Dictionary<(int TestId, long Scheduled), int>();
        var path = $"/{prefix}/";
        foreach (var line in File.ReadLines(hitLog))
        {
            var space = line.IndexOf(' ');
            if (space < 0 || !line.AsSpan(space + 1).StartsWith(path)) continue;
            if (!int.TryParse(line.AsSpan(space + 1 + path.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) continue;
            if (!testIdsByIndex.TryGetValue(index, out var testId) || !phaseTicksByTestId.TryGetValue(testId, out var phase)) continue;
            var at = DateTime.UnixEpoch.Ticks + (long)(double.Parse(line.AsSpan(0, space), CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond);
            var scheduled = (at - phase + Early.Ticks) / step * step + phase;
            if (scheduled < from || scheduled >= to) continue;
            perRun[(testId, scheduled)] = perRun.GetValueOrDefault((testId, scheduled)) + 1;
        }
        var due = (long)testIdsByIndex.Count * (long)(TimeSpan.FromMinutes(minutes) / interval);
        var hits = perRun.Values.Sum(n => (long)n);
        var madeTwice = perRun.Values.Sum(n => (long)Math.Max(0, n - locations));
        // Runs short at the target: due runs with no hit at all, plus runs hit by fewer than every location.
        var notMade = (due - perRun.Count) * locations + perRun.Values.Sum(n => (long)Math.Max(0, locations - n));
        return new HitCounts(hits, madeTwice, notMade);
    }
}
