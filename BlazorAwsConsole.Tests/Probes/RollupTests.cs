using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>Hourly rollups, retention, and trends read from raw results or rollups by range.</summary>
public class RollupTests : IAsyncLifetime
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto, Database, "Probes:RunOnSchedule=false", "Probes:RetentionDays=2");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task StoreAsync(params ProbeResult[] results)
    {
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        db.ProbeResults.AddRange(results);
        await db.SaveChangesAsync();
    }

    private static ProbeResult Result(int testId, DateTime at, double? ms, bool success = true, bool degraded = false) => new()
    {
        TestId = testId, Type = ProbeType.Http, Success = success, Degraded = degraded, Reason = success ? "ok" : "HTTP 500", StartedAt = at, DurationMs = ms ?? 1000, ResponseTimeMs = ms, Source = "console",
    };

    [Fact]
    public async Task Finished_hours_roll_up_to_count_failures_degraded_runs_min_avg_p95_and_max_and_old_raw_results_are_pruned()
    {
        var hour = ProbeRollups.HourOf(DateTime.UtcNow.AddDays(-3));
        // 20 results in one hour: 1..20 ms, two failures, the four slowest degraded, one without a response.
        var results = Enumerable.Range(1, 20).Select(i => Result(7, hour.AddMinutes(i * 2), i, success: i > 2, degraded: i > 16)).ToList();
        results.Add(Result(7, hour.AddMinutes(59), null, success: false));
        results.Add(Result(8, hour.AddMinutes(5), 100));
        await StoreAsync([.. results]);

        var rollups = _console.Get<ProbeRollups>();
        (await rollups.RollUpAsync(CancellationToken.None)).Should().BeGreaterThan(0);
        await using (var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            var seven = await db.ProbeRollups.SingleAsync(r => r.TestId == 7 && r.Hour == hour);
            seven.Count.Should().Be(21);
            seven.Failures.Should().Be(3);
            seven.Degraded.Should().Be(4);
            seven.MinMs.Should().Be(1);
            seven.MaxMs.Should().Be(20);
            seven.AvgMs.Should().BeApproximately(10.5, 0.001);
            seven.P95Ms.Should().Be(19);
            (await db.ProbeRollups.SingleAsync(r => r.TestId == 8 && r.Hour == hour)).Count.Should().Be(1);
        }
        (await rollups.RollUpAsync(CancellationToken.None)).Should().Be(0, "hours already rolled up are not rolled again");

        (await rollups.PruneAsync(CancellationToken.None)).Should().Be(22, "raw results older than the 2-day retention go");
        await using (var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            (await db.ProbeResults.CountAsync(r => r.TestId == 7)).Should().Be(0);
            (await db.ProbeRollups.CountAsync(r => r.TestId == 7)).Should().Be(1, "rollups stay for a year");
        }
    }

    [Fact]
    public async Task Every_hour_rolls_up_to_what_Summarize_makes_of_its_raw_results_across_a_day_boundary_and_quiet_hours_get_no_row()
    {
        // Hours 20:00–01:00 of a day three days ago (crossing midnight UTC: PostgreSQL rolls up a day per statement),
        // then nothing for three hours, then one more. Per test and hour 1–100 runs (every nearest rank of a p95),
        // response times with ties, one in ten runs without a response (failed), some degraded; one hour of test
        // 46 has no response time at all.
        var midnight = DateTime.SpecifyKind(DateTime.UtcNow.Date.AddDays(-3), DateTimeKind.Utc);
        int[] offsets = [-4, -3, -2, -1, 0, 1, 5];
        var random = new Random(11);
        var results = new List<ProbeResult>();
        foreach (var offset in offsets)
        {
            var hour = midnight.AddHours(offset);
            for (var test = 41; test <= 46; test++)
            {
                var runs = 1 + (test * 37 + (offset + 4) * 11) % 100;
                for (var i = 0; i < runs; i++)
                {
                    var silent = (test == 46 && offset == 0) || random.Next(10) == 0;
                    double? ms = silent ? null : Math.Round(random.NextDouble() * 400) / 4;
                    var result = Result(test, hour.AddSeconds(random.Next(3600)), ms, success: !silent && random.Next(20) != 0, degraded: random.Next(4) == 0);
                    // Random start times may tie; each run is still a fire of its own (one stored result per test and scheduled time).
                    result.ScheduledAt = hour.AddSeconds(i);
                    results.Add(result);
                }
            }
        }
        foreach (var batch in results.Chunk(500)) await StoreAsync(batch);

        var rollups = _console.Get<ProbeRollups>();
        (await rollups.RollUpAsync(CancellationToken.None)).Should().Be(offsets.Length, "one per hour with results, none for the quiet hours");
        (await rollups.RollUpAsync(CancellationToken.None)).Should().Be(0, "hours already rolled up are not rolled again");

        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var stored = await db.ProbeResults.AsNoTracking().Where(r => r.TestId >= 41 && r.TestId <= 46).ToListAsync();
        stored.Should().HaveCount(results.Count);
        var expected = stored.GroupBy(r => (r.TestId, Hour: ProbeRollups.HourOf(r.StartedAt)))
            .Select(g => ProbeRollups.Summarize(g.Key.TestId, g.Key.Hour, g.Select(r => (r.Success, r.Degraded, r.ResponseTimeMs))))
            .OrderBy(r => r.TestId).ThenBy(r => r.Hour).ToList();
        var actual = await db.ProbeRollups.AsNoTracking().Where(r => r.TestId >= 41 && r.TestId <= 46).OrderBy(r => r.TestId).ThenBy(r => r.Hour).ToListAsync();
        actual.Should().HaveCount(offsets.Length * 6);
        // Averages may differ in the last bits (PostgreSQL's avg sums in another order); everything else is exact.
        actual.Should().BeEquivalentTo(expected, options => options.WithStrictOrdering().Excluding(r => r.AvgMs));
        actual.Zip(expected).Should().OnlyContain(pair => pair.First.AvgMs == null ? pair.Second.AvgMs == null : Math.Abs(pair.First.AvgMs.Value - pair.Second.AvgMs!.Value) < 1e-9);
        actual.Should().Contain(r => r.TestId == 46 && r.Hour == midnight && r.P95Ms == null && r.AvgMs == null && r.Failures == r.Count);
    }

    [Fact]
    public async Task The_status_board_counts_a_stored_result_once_however_often_it_arrives_and_catches_up_on_the_ones_it_missed()
    {
        var now = DateTime.UtcNow;
        var contexts = _console.Get<IDbContextFactory<ConsoleDbContext>>();
        await StoreAsync(Result(41, now.AddMinutes(-3), 10));
        await StoreAsync(Result(41, now.AddMinutes(-2), 11));
        var board = new ProbeStatusBoard(TimeProvider.System);
        await board.LoadAsync(contexts, CancellationToken.None);
        (await board.CatchUpAsync(contexts, CancellationToken.None)).Should().BeEmpty("the load took both");

        // Stored by another node whose notices were lost: two failures in a row.
        var first = Result(41, now.AddMinutes(-1), null, success: false);
        var second = Result(41, now.AddSeconds(-30), null, success: false);
        await StoreAsync(first);
        await StoreAsync(second);
        (await board.CatchUpAsync(contexts, CancellationToken.None)).Select(r => r.Id).Should().Equal(first.Id, second.Id);
        var status = board.StatusOf(41);
        (status.Runs24h, status.Failures24h, status.ConsecutiveFailures, status.Last!.Id).Should().Be((4, 2, 2, second.Id));

        // Their notices arriving after all, and the next catch-up: nothing counts twice.
        board.Record([first, second]).Should().BeEmpty();
        (await board.CatchUpAsync(contexts, CancellationToken.None)).Should().BeEmpty();
        board.StatusOf(41).Runs24h.Should().Be(4);

        // A result that arrives after a newer one counts in its hour, but the newer one stays the last run.
        var earlier = Result(42, now.AddSeconds(-50), 12);
        var later = Result(42, now.AddSeconds(-40), null, success: false);
        await StoreAsync(earlier);
        await StoreAsync(later);
        board.Record([later]).Should().ContainSingle();
        board.Record([earlier]).Should().ContainSingle();
        var outOfOrder = board.StatusOf(42);
        (outOfOrder.Runs24h, outOfOrder.Failures24h, outOfOrder.ConsecutiveFailures, outOfOrder.Last!.Id).Should().Be((2, 1, 1, later.Id));
    }

    [Fact]
    public async Task The_status_board_is_rebuilt_from_stored_results_with_24h_counts_the_recent_sparkline_and_the_last_result()
    {
        var now = DateTime.UtcNow;
        // Test 31: 40 results over the last 20 hours, the last three failing; older results do not count.
        // Stored oldest first, as the writer does.
        await StoreAsync(Result(31, now.AddDays(-2), 999, success: false));
        await StoreAsync([.. Enumerable.Range(0, 40).Select(i => Result(31, now.AddMinutes(-30 * (40 - i)), 10 + i, success: i < 37))]);
        // Test 32: only a result from two days ago, which is still its last one.
        await StoreAsync(Result(32, now.AddDays(-2), 5));

        var board = new ProbeStatusBoard(TimeProvider.System);
        await board.LoadAsync(_console.Get<IDbContextFactory<ConsoleDbContext>>(), CancellationToken.None);

        var status = board.StatusOf(31);
        (status.Runs24h, status.Failures24h).Should().Be((40, 3));
        status.Recent.Should().HaveCount(ProbeStatusBoard.RecentCount).And.EndWith(49d);
        status.Last!.ResponseTimeMs.Should().Be(49);
        status.ConsecutiveFailures.Should().Be(3);
        var old = board.StatusOf(32);
        (old.Runs24h, old.Last?.ResponseTimeMs).Should().Be((0, 5d));
    }

    [Fact]
    public async Task Short_ranges_draw_raw_results_and_long_ranges_draw_rollups_plus_the_hours_not_yet_rolled()
    {
        var now = DateTime.UtcNow;
        var older = ProbeRollups.HourOf(now.AddDays(-1.5));
        await StoreAsync(
            Result(21, older.AddMinutes(10), 50),
            Result(21, older.AddMinutes(11), 70, success: false),
            Result(21, older.AddMinutes(12), 90, degraded: true),
            Result(21, now.AddMinutes(-30), 10, degraded: true),
            Result(21, now.AddMinutes(-20), 30));
        await _console.Get<ProbeRollups>().RollUpAsync(CancellationToken.None);
        var queries = _console.Get<ProbeQueries>();

        var hour = await queries.TrendAsync(21, "1h", CancellationToken.None);
        hour.FromRollups.Should().BeFalse();
        hour.Points.Select(p => p.ResponseTimeMs).Should().Equal(10, 30);
        hour.SuccessRate.Should().Be(100);
        hour.Degraded.Should().Be(1);

        var week = await queries.TrendAsync(21, "7d", CancellationToken.None);
        week.FromRollups.Should().BeTrue();
        week.Runs.Should().Be(5);
        week.Failures.Should().Be(1);
        week.Degraded.Should().Be(2, "a degraded run counts from its rollup and from the raw hours alike");
        week.Points.Should().Contain(p => p.ResponseTimeMs == 70 && p.Runs == 3 && p.Degraded == 1, "the older hour comes from its rollup");
        week.Points.Sum(p => p.Runs).Should().Be(5, "the recent results are counted whether or not their hour was rolled up");
    }
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RollupTestsOnPostgres(PostgresServer postgres) : RollupTests
{
    protected override ConsoleDatabase Database => postgres;
}
