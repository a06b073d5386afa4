using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Alerts;

/// <summary>The "degraded for N minutes" rule (testDegraded), driven by real runs against a slow loopback server and a test clock.</summary>
public sealed class DegradedAlertTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private readonly RecordingNotifier _notifier = new();
    private readonly TestClock _clock = new();
    private LoopbackTargets _targets = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto, builder =>
            {
                builder.Services.AddSingleton<IAlertNotifier>(_notifier);
                builder.Services.AddSingleton<TimeProvider>(_clock);
            },
            "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=1");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _targets.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<int> CreateAsync(string path, object body)
    {
        var response = await _console.Http.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private async Task RunAsync(int testId) => (await _console.Http.PostAsync($"/api/synthetic/tests/{testId}/run", null)).EnsureSuccessStatusCode();

    private async Task<List<Alert>> AlertsOfRuleAsync(int ruleId)
    {
        await _console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.Alerts.AsNoTracking().Where(a => a.RuleId == ruleId).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task SetTargetAsync(int testId, string target) =>
        (await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{testId}", new { target })).EnsureSuccessStatusCode();

    // A slow run takes 1.5 s against a limit of 1 s, and a quick run must come in under that limit on a loaded machine
    // too (with 300 ms and 100 ms, a loopback answer once took longer than 100 ms in a full run and stayed degraded).
    [Fact]
    public async Task A_test_degraded_for_n_minutes_fires_and_an_up_run_resolves_it()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "sluggish", type = "http", target = _targets.HttpUrl("/slow/1500"), degradedAboveMs = 1000, enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new { name = "sluggish api", condition = "testDegraded", testId = test, forMinutes = 2, severity = "warning" });

        await RunAsync(test);
        (await AlertsOfRuleAsync(rule)).Should().BeEmpty("degraded for less than two minutes so far");
        _clock.Advance(TimeSpan.FromMinutes(3));
        await RunAsync(test);
        var alerts = await AlertsOfRuleAsync(rule);
        alerts.Should().ContainSingle(a => a.Status == AlertStatus.Firing);
        alerts[0].Summary.Should().Contain("degraded for 2 min").And.Contain("slower than 1000 ms");
        alerts[0].Link.Should().Be($"/synthetic/{test}");
        _notifier.Sent.Should().ContainSingle(n => n.Status == "firing" && n.AlertId == alerts[0].Id);

        await SetTargetAsync(test, _targets.HttpUrl("/"));
        await RunAsync(test);
        (await AlertsOfRuleAsync(rule)).Single().Status.Should().Be(AlertStatus.Resolved, "an up run ends the degraded spell");
    }

    [Fact]
    public async Task A_failing_run_is_down_not_degraded_so_it_ends_the_spell()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "breaks", type = "http", target = _targets.HttpUrl("/slow/1500"), degradedAboveMs = 1000, enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new { name = "breaks degraded", condition = "testDegraded", testId = test, forMinutes = 1 });

        await RunAsync(test);
        await SetTargetAsync(test, _targets.HttpUrl("/status/500"));
        await RunAsync(test);
        // Time passes only after the down run, so no evaluation in between can see a minute of degraded runs.
        _clock.Advance(TimeSpan.FromMinutes(2));

        (await AlertsOfRuleAsync(rule)).Should().BeEmpty("the test is down now; failures have their own rules");
    }

    [Fact]
    public async Task The_rule_kind_is_listed_and_its_minutes_are_checked()
    {
        var response = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "bad", condition = "testDegraded", forMinutes = 5000 });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("forMinutes")[0].GetString().Should().Contain("between 0 and 1440");

        var wrong = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "bad", condition = "nope" });
        (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("condition")[0].GetString().Should().Contain("testDegraded");
    }
}
