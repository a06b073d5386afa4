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

/// <summary>
/// Each condition fires, stays one alert, resolves and is damped, driven through the real feature
/// code: probes against loopback targets, instances in moto, the credential store.
/// </summary>
public class AlertRuleTests : IAsyncLifetime
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    private readonly MotoFixture _moto = new();
    private readonly RecordingNotifier _notifier = new();
    private readonly TestClock _clock = new();
    private LoopbackTargets _targets = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto, Database, builder =>
            {
                builder.Services.AddSingleton<IAlertNotifier>(_notifier);
                builder.Services.AddSingleton<TimeProvider>(_clock);
            },
            "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=1", "Alerts:FlapLimit=2");
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

    [Fact]
    public async Task A_test_failing_n_times_in_a_row_fires_once_notifies_and_resolves_when_it_passes_again()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "api", type = "http", target = _targets.HttpUrl("/status/500"), enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new { name = "api down", condition = "testFailures", testId = test, consecutiveFailures = 3, severity = "critical" });

        await RunAsync(test);
        await RunAsync(test);
        (await AlertsOfRuleAsync(rule)).Should().BeEmpty("two failures are fewer than three");
        await RunAsync(test);
        await RunAsync(test);
        var alerts = await AlertsOfRuleAsync(rule);
        alerts.Should().ContainSingle("one alert while it stays open, however many failures follow");
        alerts[0].Status.Should().Be(AlertStatus.Firing);
        alerts[0].Severity.Should().Be(AlertSeverity.Critical);
        alerts[0].Summary.Should().Contain("failed").And.Contain("500");
        alerts[0].Link.Should().Be($"/synthetic/{test}");
        _notifier.Sent.Should().ContainSingle(n => n.Status == "firing" && n.AlertId == alerts[0].Id && n.Severity == "critical");

        await SetTargetAsync(test, _targets.HttpUrl("/status/200"));
        await RunAsync(test);
        var resolved = (await AlertsOfRuleAsync(rule)).Single();
        resolved.Status.Should().Be(AlertStatus.Resolved);
        resolved.ResolvedAt.Should().NotBeNull();
        _notifier.Sent.Should().Contain(n => n.Status == "resolved" && n.AlertId == resolved.Id);
    }

    [Fact]
    public async Task Stored_results_wake_no_evaluation_while_no_rule_judges_them_and_at_most_one_a_second_when_one_does()
    {
        // A console of its own whose timer does not evaluate within the test (every 5 min): every evaluation counted is one a wake asked for.
        await using var console = await ConsoleHost.StartAsync(_moto, Database, _ => { }, "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=300");
        var engine = console.Get<AlertEngine>();
        var test = (await (await console.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "api", type = "http", target = _targets.HttpUrl("/status/200"), enabled = false })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        (await console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "web stopped", condition = "instanceState", state = "stopped" })).EnsureSuccessStatusCode();
        async Task RunTenTimesAsync()
        {
            for (var i = 0; i < 10; i++) (await console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();
        }

        var before = await SettledEvaluationsAsync();
        await RunTenTimesAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        engine.Evaluations.Should().Be(before, "no rule judges test results, so ten stored results ask for no evaluation");

        (await console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "api down", condition = "testFailures", testId = test, consecutiveFailures = 3 })).EnsureSuccessStatusCode();
        before = await SettledEvaluationsAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await RunTenTimesAsync();
        await Poll.UntilAsync(() => engine.Evaluations > before, TimeSpan.FromSeconds(30), () => "no evaluation after results a rule judges");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var seconds = clock.Elapsed.TotalSeconds;
        (engine.Evaluations - before).Should().BeInRange(1, (long)Math.Ceiling(seconds) + 1,
            $"ten batches stored in {seconds:N1} s wake at most one evaluation a second");

        async Task<long> SettledEvaluationsAsync()
        {
            // The evaluation a rule's save asks for, and the one at start-up, are done when the count stops moving.
            long last;
            do
            {
                last = engine.Evaluations;
                await Task.Delay(TimeSpan.FromSeconds(2));
            } while (engine.Evaluations != last);
            return last;
        }
    }

    [Fact]
    public async Task A_rule_that_fires_and_clears_too_often_is_held_as_flapping()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "flappy", type = "http", target = _targets.HttpUrl("/status/500"), enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new { name = "flappy fails", condition = "testFailures", testId = test, consecutiveFailures = 1 });
        for (var cycle = 0; cycle < 2; cycle++)
        {
            await SetTargetAsync(test, _targets.HttpUrl("/status/500"));
            await RunAsync(test);
            (await AlertsOfRuleAsync(rule)).Last().Status.Should().Be(AlertStatus.Firing);
            await SetTargetAsync(test, _targets.HttpUrl("/status/200"));
            await RunAsync(test);
            (await AlertsOfRuleAsync(rule)).Last().Status.Should().Be(AlertStatus.Resolved);
        }

        await SetTargetAsync(test, _targets.HttpUrl("/status/500"));
        await RunAsync(test);
        var held = (await AlertsOfRuleAsync(rule)).Last();
        held.Flapping.Should().BeTrue("it fired and cleared twice within the hour (FlapLimit=2)");
        held.Summary.Should().Contain("flapping");

        await SetTargetAsync(test, _targets.HttpUrl("/status/200"));
        await RunAsync(test);
        (await AlertsOfRuleAsync(rule)).Last().Status.Should().Be(AlertStatus.Firing, "a flapping alert waits for a quiet spell before it resolves");
        _clock.Advance(TimeSpan.FromMinutes(11));
        (await AlertsOfRuleAsync(rule)).Last().Status.Should().Be(AlertStatus.Resolved);
        (await AlertsOfRuleAsync(rule)).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_maintenance_window_silences_its_rule_until_it_ends()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "planned", type = "port", target = "127.0.0.1", port = _targets.ClosedPort, enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new { name = "port closed", condition = "testFailures", testId = test, consecutiveFailures = 1 });
        var now = DateTimeOffset.UtcNow + _clock.Offset;
        await CreateAsync("/api/maintenance-windows", new { name = "db upgrade", startsAt = now.AddMinutes(-1), endsAt = now.AddMinutes(30), ruleIds = new[] { rule } });

        await RunAsync(test);
        (await AlertsOfRuleAsync(rule)).Should().BeEmpty("the window silences the rule");
        _clock.Advance(TimeSpan.FromMinutes(31));
        (await AlertsOfRuleAsync(rule)).Should().ContainSingle(a => a.Status == AlertStatus.Firing);
    }

    [Fact]
    public async Task Slow_responses_and_a_low_success_rate_fire_their_rules()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "slow", type = "http", target = _targets.HttpUrl("/slow/300"), enabled = false });
        var slow = await CreateAsync("/api/alert-rules", new { name = "slow api", condition = "testSlow", testId = test, thresholdMs = 100, forMinutes = 1 });
        var rate = await CreateAsync("/api/alert-rules", new { name = "rate", condition = "testSuccessRate", testId = test, successRateBelow = 60, windowMinutes = 60 });

        await RunAsync(test);
        (await AlertsOfRuleAsync(slow)).Should().BeEmpty("slow for less than a minute so far");
        _clock.Advance(TimeSpan.FromMinutes(2));
        await RunAsync(test);
        (await AlertsOfRuleAsync(slow)).Should().ContainSingle(a => a.Status == AlertStatus.Firing && a.Summary.Contains("slower than 100 ms"));
        (await AlertsOfRuleAsync(rate)).Should().BeEmpty("slow runs still succeed");

        await SetTargetAsync(test, _targets.HttpUrl("/status/503"));
        await RunAsync(test);
        await RunAsync(test);
        (await AlertsOfRuleAsync(rate)).Should().ContainSingle(a => a.Summary.Contains("success rate 50 %"));

        await SetTargetAsync(test, _targets.HttpUrl("/status/200"));
        await RunAsync(test);
        (await AlertsOfRuleAsync(slow)).Single().Status.Should().Be(AlertStatus.Resolved, "a fast answer ends the slow spell");
    }

    [Fact]
    public async Task Instance_state_and_disappearance_rules_follow_the_fleet_in_moto()
    {
        var web = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-east-1"), "alert-web", ("env", "prod"));
        await _console.SyncAsync();
        var stopped = await CreateAsync("/api/alert-rules", new { name = "prod stopped", condition = "instanceState", tag = "env=prod", state = "stopped", severity = "critical" });
        var gone = await CreateAsync("/api/alert-rules", new { name = "prod gone", condition = "instanceDisappeared", tag = "env=prod" });
        await AlertsOfRuleAsync(gone); // the engine learns the fleet

        await Ec2Fleet.StopAsync(_moto.Ec2("us-east-1"), web);
        await _console.SyncAsync();
        var fired = (await AlertsOfRuleAsync(stopped)).Single();
        fired.SubjectKey.Should().Be($"instance:{web}");
        fired.Summary.Should().Contain("alert-web").And.Contain("stopped");

        await _moto.Ec2("us-east-1").StartInstancesAsync(new() { InstanceIds = [web] });
        await _console.SyncAsync();
        (await AlertsOfRuleAsync(stopped)).Single().Status.Should().Be(AlertStatus.Resolved);

        await _moto.ResetAsync();
        await _console.SyncAsync();
        (await AlertsOfRuleAsync(gone)).Should().ContainSingle(a => a.Status == AlertStatus.Firing && a.Summary.Contains("left the fleet"));
    }

    [Fact]
    public async Task Stale_regions_and_old_credentials_fire_their_rules()
    {
        var stale = await CreateAsync("/api/alert-rules", new { name = "stale", condition = "regionStale", staleMinutes = 5 });
        var old = await CreateAsync("/api/alert-rules", new { name = "old keys", condition = "credentialAge", daysBeforeLimit = 10 });
        await _console.SetRegionEndpointAsync("eu-west-1", ConsoleHost.DeadEndpoint());
        await _console.SyncAsync();
        (await AlertsOfRuleAsync(stale)).Should().NotContain(a => a.SubjectKey == "region:eu-west-1", "it failed only just now");
        _clock.Advance(TimeSpan.FromMinutes(6));
        await _console.SyncAsync();
        // Only eu-west-1 is checked: under load moto's first answer for another region can time out too.
        (await AlertsOfRuleAsync(stale)).Should().ContainSingle(a => a.SubjectKey == "region:eu-west-1" && a.Status == AlertStatus.Firing);

        await using (var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            var now = (DateTimeOffset.UtcNow + _clock.Offset).UtcDateTime;
            db.CredentialSets.Add(new CredentialSet { Name = "aging", VaultPath = "aws/aging", CreatedAt = now.AddDays(-85), Kind = CredentialKind.KeyPair });
            db.CredentialSets.Add(new CredentialSet { Name = "fresh", VaultPath = "aws/fresh", CreatedAt = now.AddDays(-10), Kind = CredentialKind.KeyPair });
            await db.SaveChangesAsync();
        }
        (await AlertsOfRuleAsync(old)).Should().ContainSingle(a => a.SubjectKey == "credential:aging" && a.Summary.Contains("85 days"));

        await _console.SetRegionEndpointAsync("eu-west-1", null);
        await _console.SyncAsync();
        (await AlertsOfRuleAsync(stale)).Single(a => a.SubjectKey == "region:eu-west-1").Status.Should().Be(AlertStatus.Resolved);
    }

    [Fact]
    public async Task Alerts_are_acknowledged_with_who_and_a_comment_and_the_api_says_what_is_wrong()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "ack me", type = "port", target = "127.0.0.1", port = _targets.ClosedPort, enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new { name = "ack rule", condition = "testFailures", testId = test, consecutiveFailures = 1 });
        await RunAsync(test);
        var alert = (await AlertsOfRuleAsync(rule)).Single();

        var open = await _console.Http.GetFromJsonAsync<JsonElement>("/api/alerts?status=open");
        open.GetProperty("items").EnumerateArray().Should().Contain(a => a.GetProperty("id").GetInt64() == alert.Id && a.GetProperty("status").GetString() == "firing");

        var ack = await _console.Http.PostAsJsonAsync($"/api/alerts/{alert.Id}/ack", new { comment = "looking at it" });
        ack.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ack.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().Should().Be("acknowledged");
        body.GetProperty("acknowledgeComment").GetString().Should().Be("looking at it");
        body.GetProperty("acknowledgedBy").GetString().Should().NotBeNullOrEmpty();
        _notifier.Sent.Should().Contain(n => n.Status == "acknowledged" && n.AlertId == alert.Id);
        (await AlertsOfRuleAsync(rule)).Should().ContainSingle("acknowledging does not open a new alert");

        (await _console.Http.PostAsJsonAsync("/api/alerts/999999/ack", new { })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var viewer = await _console.ClientAsync(BlazorAwsConsole.Access.ConsoleRoles.Viewer);
        (await viewer.PostAsJsonAsync($"/api/alerts/{alert.Id}/ack", new { })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var bad = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "", condition = "moonPhase", severity = "apocalyptic" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("name").ToString().Should().Contain("required");
        errors.GetProperty("condition").ToString().Should().Contain("testFailures");
        errors.GetProperty("severity").ToString().Should().Contain("critical");
        var missingState = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "x", condition = "instanceState" });
        (await missingState.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("state").ToString().Should().Contain("running");
        (await _console.Http.GetAsync("/api/alerts?severity=loud")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        await SetTargetAsync(test, $"127.0.0.1");
        (await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{test}", new { port = _targets.OpenPort })).EnsureSuccessStatusCode();
        await RunAsync(test);
        (await AlertsOfRuleAsync(rule)).Single().Status.Should().Be(AlertStatus.Resolved, "an acknowledged alert still resolves by itself");
        (await _console.Http.PostAsJsonAsync($"/api/alerts/{alert.Id}/ack", new { })).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AlertRuleTestsOnPostgres(PostgresServer postgres) : AlertRuleTests
{
    protected override ConsoleDatabase Database => postgres;
}
