using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Locations;

namespace BlazorAwsConsole.Dashboard;

/// <summary>Passing (up), degraded and failing now, and the 24 h success rate, of the tests of one type.</summary>
public sealed record TestTypeSummary(ProbeType Type, int Tests, int Passing, int Failing, int Runs24h, int Failures24h, int Degraded = 0)
{
    public double? SuccessRate24h => Runs24h == 0 ? null : 100.0 * (Runs24h - Failures24h) / Runs24h;
}

/// <summary>A test whose last run failed, with why and since when it has been failing.</summary>
public sealed record FailingTest(int Id, string Name, ProbeType Type, string Reason, DateTime At);

/// <summary>The synthetic tests at a glance: how many pass (up), are degraded and fail now, per type, and which fail or are degraded.</summary>
public sealed record ProbeSummary(int Tests, int Passing, int Failing, int NotRun, IReadOnlyList<TestTypeSummary> ByType, IReadOnlyList<FailingTest> Failures,
    int Degraded = 0, IReadOnlyList<FailingTest>? DegradedTests = null)
{
    public IReadOnlyList<FailingTest> DegradedNow => DegradedTests ?? [];
}

/// <summary>One of the slowest tests, with its recent average and its 24 h trend.</summary>
public sealed record SlowTest(int Id, string Name, double RecentAverageMs, Trend Trend);

/// <summary>
/// Reads the synthetic tests for the dashboard and the wall from the per-node catalog and status
/// board (no query), and the slowest tests' 24 h trends from the database.
/// </summary>
public sealed class ProbeOverview(ProbeCatalog catalog, ProbeStatusBoard board, ProbeQueries queries, TestViews views)
{
    /// <remarks>Each test counts by its verdict across its locations (<see cref="TestVerdict"/>), not by whichever location ran last.</remarks>
    public ProbeSummary Summary()
    {
        var tests = catalog.Tests.Where(t => t.Enabled).Select(t =>
        {
            var status = board.StatusOf(t.Id);
            return (Test: t, Status: status, Verdict: TestVerdict.Of(t, status.LastByLocation, views.ConsoleLocation));
        }).ToList();
        var byType = Enum.GetValues<ProbeType>().Select(type =>
        {
            var ofType = tests.Where(t => t.Test.Type == type).ToList();
            return new TestTypeSummary(type, ofType.Count,
                ofType.Count(t => t.Verdict.Status == ProbeHealth.Up),
                ofType.Count(t => t.Verdict.Status == ProbeHealth.Down),
                ofType.Sum(t => t.Status.Runs24h), ofType.Sum(t => t.Status.Failures24h),
                ofType.Count(t => t.Verdict.Status == ProbeHealth.Degraded));
        }).ToList();
        List<FailingTest> Listed(ProbeHealth health) => tests.Where(t => t.Verdict.Status == health)
            .Select(t => new FailingTest(t.Test.Id, t.Test.Name, t.Test.Type, t.Verdict.Summary, t.Verdict.Locations.Max(l => l.LastRunAt) ?? default))
            .OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Id)
            .ToList();
        var failures = Listed(ProbeHealth.Down);
        var degraded = Listed(ProbeHealth.Degraded);
        return new ProbeSummary(tests.Count, byType.Sum(t => t.Passing), failures.Count,
            tests.Count(t => t.Verdict.Status is null), byType, failures, degraded.Count, degraded);
    }

    /// <summary>The <paramref name="count"/> tests with the highest average over their recent response times, each with its 24 h trend.</summary>
    public async Task<IReadOnlyList<SlowTest>> SlowestAsync(int count, CancellationToken cancellationToken)
    {
        var slowest = catalog.Tests
            .Select(t => (Test: t, Recent: board.StatusOf(t.Id).Recent.OfType<double>().ToList()))
            .Where(t => t.Recent.Count > 0)
            .Select(t => (t.Test, Average: t.Recent.Average()))
            .OrderByDescending(t => t.Average).ThenBy(t => t.Test.Id)
            .Take(count)
            .ToList();
        var result = new List<SlowTest>(slowest.Count);
        foreach (var (test, average) in slowest)
        {
            result.Add(new SlowTest(test.Id, test.Name, average, await queries.TrendAsync(test.Id, "24h", cancellationToken)));
        }
        return result;
    }
}
