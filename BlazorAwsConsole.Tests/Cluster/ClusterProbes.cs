using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>What the two-node scheduling tests make and read through the API: HTTP tests against a hit-counting target, runs per node, stored results.</summary>
public static class ClusterProbes
{
    public sealed record Made(int Id, string Name);

    /// <summary>Nodes node-a and node-b of one cluster started at the same instant: start-up, seeds and migrations must be safe so.</summary>
    public static async Task<(ConsoleHost A, ConsoleHost B)> StartTogetherAsync(MotoFixture moto, PostgresServer postgres, string[] cluster)
    {
        var started = await Task.WhenAll(
            ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]),
            ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]));
        return (started[0], started[1]);
    }

    /// <summary>Creates <paramref name="count"/> enabled HTTP tests at <paramref name="intervalSeconds"/>, each aimed at its own path of <paramref name="target"/>.</summary>
    public static async Task<List<Made>> CreateHttpTestsAsync(HttpClient api, HitCountingTarget target, int count, int intervalSeconds, string prefix)
    {
        var made = new System.Collections.Concurrent.ConcurrentBag<Made>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var name = $"{prefix}-{i:000}";
            var response = await api.PostAsJsonAsync("/api/synthetic/tests",
                new { name, type = "http", target = target.Url(name), frequencySeconds = intervalSeconds, enabled = true }, ct);
            response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync(ct));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            made.Add(new Made(body.GetProperty("id").GetInt32(), name));
        });
        return [.. made.OrderBy(m => m.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Runs of these tests this node finished since it started, from its own <c>console_probe_results_total</c>
    /// (each node counts only what its probe engine ran; the database does not say which node stored a result).
    /// </summary>
    public static async Task<double> RunsOnNodeAsync(HttpClient node, IEnumerable<Made> tests)
    {
        var ids = tests.Select(t => t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var metrics = PrometheusText.Parse(await node.GetStringAsync("/metrics"));
        return metrics.Find("console_probe_results_total").Where(s => ids.Contains(s["test_id"])).Sum(s => s.Value);
    }

    /// <summary>A stored run: when it started and the fire time it was scheduled for (started minus its start lag).</summary>
    public sealed record StoredRun(DateTimeOffset StartedAt, DateTimeOffset ScheduledFor);

    /// <summary>
    /// The test's stored results that started in [<paramref name="from"/>, <paramref name="to"/>], oldest first, from the
    /// streamed CSV export (the one place a result's start lag is given). Two runs for one scheduled fire time would be
    /// one trigger fired twice; a run started late is not.
    /// </summary>
    public static async Task<List<StoredRun>> StoredRunsAsync(HttpClient api, int testId, DateTimeOffset from, DateTimeOffset to)
    {
        var csv = await api.GetStringAsync($"/api/synthetic/results?format=csv&testId={testId}" +
            $"&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
        return [.. CsvReader.Records(csv).Select(r =>
        {
            var started = DateTimeOffset.Parse(r["startedAt"], System.Globalization.CultureInfo.InvariantCulture);
            // Empty for a "run now", which has no scheduled time; these tests have none.
            var lag = double.TryParse(r["startLagMs"], System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms : 0;
            return new StoredRun(started, started - TimeSpan.FromMilliseconds(lag));
        }).OrderBy(r => r.StartedAt)];
    }

    /// <summary>Pairs of runs of one test scheduled for (nearly) the same fire time: a trigger fired twice.</summary>
    public static List<(StoredRun First, StoredRun Second)> SameFireTime(IReadOnlyList<StoredRun> runs, int intervalSeconds)
    {
        var byFireTime = runs.OrderBy(r => r.ScheduledFor).ToList();
        return [.. byFireTime.Zip(byFireTime.Skip(1)).Where(p => (p.Second.ScheduledFor - p.First.ScheduledFor).TotalSeconds < intervalSeconds / 2.0)];
    }

    /// <summary>Seconds between consecutive instants.</summary>
    public static List<double> Gaps(IReadOnlyList<DateTimeOffset> times) => [.. times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds)];

    public static DateTime Utc(DateTime time) => time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();

    /// <summary>The p-th percentile (0–100) of <paramref name="values"/>, nearest rank.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
