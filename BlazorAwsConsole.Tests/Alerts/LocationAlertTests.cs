using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Alerts;

/// <summary>
/// Alert rules on tests run from several locations judge the test's verdict (its failWhen over the locations), or one
/// location a rule names; a location that tests run from and no agent serves is an alert and a dashboard warning.
/// Real console (SQLite, Kestrel), the console's own runs against a closed loopback port, and a result from the other
/// location stored through the one result writer, as an agent's is.
/// </summary>
public sealed class LocationAlertTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=1", "Probes:Location=home NOC");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<int> CreateAsync(string path, object body)
    {
        var response = await _console.Http.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private async Task<List<Alert>> OpenAlertsOfRuleAsync(int ruleId)
    {
        await _console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.Alerts.AsNoTracking().Where(a => a.RuleId == ruleId && a.Status != AlertStatus.Resolved).ToListAsync();
    }

    /// <summary>A failed run of <paramref name="testId"/> from <paramref name="location"/>, stored as any result is.</summary>
    private async Task StoreFailureFromAsync(int testId, string location, string reason)
    {
        var now = DateTime.UtcNow;
        var result = new ProbeResult
        {
            TestId = testId, Type = ProbeType.Port, Success = false, Reason = reason, ScheduledAt = now, StartedAt = now, DurationMs = 5000,
            Source = "agent-1", Location = location, Port = new PortDetails { State = PortState.Filtered },
        };
        var stored = new TaskCompletionSource<ProbeResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _console.Get<ProbeResultWriter>().WriteAsync(result, stored, CancellationToken.None);
        (await stored.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().NotBeNull();
    }

    [Fact]
    public async Task A_rule_on_a_test_judged_all_fires_once_when_every_location_fails_and_a_rule_naming_one_location_fires_on_that_one()
    {
        await CreateAsync("/api/probe-locations", new { name = "vpc-a" });
        var test = await CreateAsync("/api/synthetic/tests", new
        {
            name = "billing API", type = "port", target = "127.0.0.1", port = LoopbackPort.Free(), timeoutSeconds = 2,
            locations = new[] { "home NOC", "vpc-a" }, failWhen = "all",
        });
        var verdictRule = await CreateAsync("/api/alert-rules", new { name = "billing down everywhere", condition = "testFailures", testId = test, consecutiveFailures = 1 });
        var nocRule = await CreateAsync("/api/alert-rules", new { name = "billing down from the NOC", condition = "testFailures", testId = test, consecutiveFailures = 1, location = "home NOC" });

        (await _console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();
        (await OpenAlertsOfRuleAsync(verdictRule)).Should().BeEmpty("failWhen all: the NOC alone failing is not the test failing");
        (await OpenAlertsOfRuleAsync(nocRule)).Should().ContainSingle().Which.Summary.Should().Contain("failed 1 times in a row");

        await StoreFailureFromAsync(test, "vpc-a", "timeout");
        var alert = (await OpenAlertsOfRuleAsync(verdictRule)).Should().ContainSingle().Subject;
        alert.Summary.Should().Contain("from 2 of 2 locations").And.Contain("vpc-a timeout");
        (await OpenAlertsOfRuleAsync(verdictRule)).Should().ContainSingle("the same verdict evaluated again is the same alert");

        var shown = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{test}");
        shown.GetProperty("status").GetString().Should().Be("down");
        shown.GetProperty("statusReason").GetString().Should().StartWith("down from 2 of 2 locations");
    }

    [Fact]
    public async Task A_location_tests_run_from_with_no_live_agent_is_an_alert_and_a_location_for_a_rule_is_checked()
    {
        var vpc = await CreateAsync("/api/probe-locations", new { name = "vpc-b" });
        await CreateAsync("/api/probe-locations", new { name = "vpc-unused" });
        await CreateAsync("/api/synthetic/tests", new { name = "from vpc-b", type = "port", target = "127.0.0.1", port = 443, locations = new[] { "vpc-b" } });
        var rule = await CreateAsync("/api/alert-rules", new { name = "no agent", condition = "locationNoAgent", forMinutes = 0, severity = "critical" });

        var alert = (await OpenAlertsOfRuleAsync(rule)).Should().ContainSingle("vpc-unused runs no test, so nobody misses its agent").Subject;
        alert.SubjectKey.Should().Be($"location:{vpc}");
        alert.Summary.Should().Contain("vpc-b has had no live probe agent").And.Contain("1 enabled test");
        var uncovered = await _console.Get<BlazorAwsConsole.Dashboard.HealthWarnings>().UncoveredLocationsAsync(CancellationToken.None);
        uncovered.Should().ContainSingle().Which.Name.Should().Be("vpc-b");

        var wrongCondition = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "x", condition = "testSlow", thresholdMs = 100, forMinutes = 1, location = "vpc-b" });
        wrongCondition.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wrongCondition.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("location")[0].GetString().Should().Contain("testFailures and locationNoAgent");
    }
}
