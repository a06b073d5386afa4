using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>Tests on their Quartz schedules in a real console: frequency, pause, live edits, no overlap, no burst after a restart.</summary>
public sealed class SchedulingTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private LoopbackTargets _targets = null!;
    private readonly string _database = Path.Combine(Path.GetTempPath(), "bac-tests", $"scheduling-{Guid.NewGuid():n}.db");

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        await _moto.DisposeAsync();
        File.Delete(_database);
    }

    private Task<ConsoleHost> StartAsync() => ConsoleHost.StartAsync(_moto, $"ConnectionStrings:Console=Data Source={_database}");

    private static async Task<int> CreateAsync(ConsoleHost console, object test)
    {
        var response = await console.Http.PostAsJsonAsync("/api/synthetic/tests", test);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private static async Task<List<ProbeResult>> ResultsAsync(ConsoleHost console, int testId)
    {
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.ProbeResults.AsNoTracking().Where(r => r.TestId == testId).OrderBy(r => r.Id).ToListAsync();
    }

    private static Task WaitForResultsAsync(ConsoleHost console, int testId, int count, TimeSpan within) =>
        Poll.UntilAsync(async () => (await ResultsAsync(console, testId)).Count >= count, within,
            () => $"test {testId} had fewer than {count} results", everyMs: 200);

    [Fact]
    public async Task An_enabled_test_runs_at_its_frequency_and_each_run_records_how_late_it_started()
    {
        await using var console = await StartAsync();
        var id = await CreateAsync(console, new { name = "every 10 s", type = "port", target = "127.0.0.1", port = _targets.OpenPort, frequencySeconds = 10, timeoutSeconds = 2 });

        await WaitForResultsAsync(console, id, 4, TimeSpan.FromSeconds(45));
        var runs = await ResultsAsync(console, id);
        runs.Should().OnlyContain(r => r.Success && r.Source == "console" && r.StartLagMs != null);
        // The first run may be the one a save makes within seconds; the scheduled ones follow at the test's aligned times.
        var scheduled = runs.Skip(1).ToList();
        var gaps = scheduled.Zip(scheduled.Skip(1), (a, b) => (b.StartedAt - a.StartedAt).TotalSeconds).ToList();
        gaps.Should().OnlyContain(gap => gap > 9 && gap < 11, "runs follow the 10 s frequency");
    }

    [Fact]
    public async Task Pausing_stops_the_runs_at_once_and_resuming_starts_them_again()
    {
        await using var console = await StartAsync();
        var id = await CreateAsync(console, new { name = "pause me", type = "port", target = "127.0.0.1", port = _targets.OpenPort, frequencySeconds = 10, timeoutSeconds = 2 });
        await WaitForResultsAsync(console, id, 1, TimeSpan.FromSeconds(15));

        (await console.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}", new { enabled = false })).EnsureSuccessStatusCode();
        var paused = (await ResultsAsync(console, id)).Count;
        await Task.Delay(TimeSpan.FromSeconds(12));
        (await ResultsAsync(console, id)).Count.Should().Be(paused, "a paused test does not run");

        (await console.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}", new { enabled = true })).EnsureSuccessStatusCode();
        // Within half an interval: at once, or at its next aligned time when that is sooner (5 s, plus storing it).
        await WaitForResultsAsync(console, id, paused + 1, TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task An_edit_applies_to_the_next_run_without_a_restart()
    {
        await using var console = await StartAsync();
        var id = await CreateAsync(console, new { name = "edit live", type = "http", target = _targets.HttpUrl("/status/200"), frequencySeconds = 10, timeoutSeconds = 3 });
        await WaitForResultsAsync(console, id, 1, TimeSpan.FromSeconds(15));
        (await ResultsAsync(console, id)).Last().Success.Should().BeTrue();

        (await console.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}", new { target = _targets.HttpUrl("/status/500") })).EnsureSuccessStatusCode();
        var editedAt = DateTime.UtcNow;
        // A scheduled run already under way when the edit landed may still store the old target's answer: the first run
        // started after the edit is the one that must use the new target.
        await Poll.UntilAsync(async () => (await ResultsAsync(console, id)).Any(r => r.StartedAt >= editedAt), TimeSpan.FromSeconds(15),
            () => $"test {id} had no run started after the edit", everyMs: 200);
        var next = (await ResultsAsync(console, id)).Where(r => r.StartedAt >= editedAt).OrderBy(r => r.StartedAt).First();
        next.Success.Should().BeFalse();
        next.Http!.StatusCode.Should().Be(500);
    }

    [Fact]
    public async Task A_test_never_runs_twice_at_once()
    {
        await using var console = await StartAsync();
        var id = await CreateAsync(console, new { name = "slow", type = "http", target = _targets.HttpUrl("/slow/2000"), frequencySeconds = 3600, timeoutSeconds = 10, enabled = false });
        var engine = console.Get<ProbeEngine>();

        var first = engine.RunNowAsync(id, CancellationToken.None);
        await Task.Delay(300);
        var second = await engine.RunNowAsync(id, CancellationToken.None);

        second.Should().BeNull("the first run was still going");
        engine.SkippedOverlap.Should().Be(1);
        (await first).Should().NotBeNull();
        (await ResultsAsync(console, id)).Should().ContainSingle();
        var conflict = await console.Http.PostAsync($"/api/synthetic/tests/{id}/run", null);
        conflict.EnsureSuccessStatusCode(); // the first finished, so a new run is allowed again
    }

    [Fact]
    public async Task Runs_missed_while_the_console_was_down_are_not_replayed_after_a_restart()
    {
        int id;
        await using (var first = await StartAsync())
        {
            id = await CreateAsync(first, new { name = "restart", type = "port", target = "127.0.0.1", port = _targets.OpenPort, frequencySeconds = 10, timeoutSeconds = 2 });
            await WaitForResultsAsync(first, id, 1, TimeSpan.FromSeconds(15));
        }
        var beforeRestart = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(25)); // two or three runs are missed

        var restartedAt = DateTime.UtcNow;
        await using var second = await StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(9));
        await WaitForResultsAsync(second, id, (await ResultsAsync(second, id)).Count + 1, TimeSpan.FromSeconds(15));
        // A slow start-up may let two aligned fires in (10 s apart): what must not happen is a fire time from the downtime run
        // late, or several at once.
        var afterRestart = (await ResultsAsync(second, id)).Where(r => r.StartedAt > beforeRestart).OrderBy(r => r.ScheduledAt).ToList();
        afterRestart.Should().NotBeEmpty().And.OnlyContain(r => r.ScheduledAt >= restartedAt,
            "fires missed while the console was down are skipped, not replayed");
        afterRestart.Zip(afterRestart.Skip(1), (a, b) => b.ScheduledAt - a.ScheduledAt).Should()
            .OnlyContain(gap => gap >= TimeSpan.FromSeconds(9.5), "runs after the restart keep the interval: no burst");
    }
}
