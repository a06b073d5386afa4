using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Events;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Alerts;

/// <summary>
/// "Status check impaired for N minutes", "scheduled event within N days" and "AWS notice received",
/// through the real alert engine. moto cannot make an instance impaired or schedule an event, so the
/// instances carry the health a DescribeInstanceStatus answer would give them (as StatusChecksTests
/// parses it); notices go through the event queue's own handler, on instances in moto.
/// </summary>
public sealed class HealthAlertRuleTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private readonly TestClock _clock = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto, builder => builder.Services.AddSingleton<TimeProvider>(_clock),
            "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=300");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task An_impaired_check_fires_only_after_its_minutes_and_a_scheduled_event_only_within_its_days()
    {
        var impaired = ComponentContext.Instance("i-0000000000000ddd1", "impaired-1");
        impaired.StatusChecks = new StatusChecks { System = "impaired", Instance = "ok" };
        var soon = ComponentContext.Instance("i-0000000000000ddd2", "retiring-soon");
        soon.StatusChecks = new StatusChecks { System = "ok", Instance = "ok" };
        soon.ScheduledEvents = [new ScheduledEvent { Code = "instance-retirement", Description = "degraded hardware", NotBefore = _clock.GetUtcNow().UtcDateTime.AddDays(3) }];
        var later = ComponentContext.Instance("i-0000000000000ddd3", "retiring-later");
        later.ScheduledEvents = [new ScheduledEvent { Code = "system-maintenance", Description = "network", NotBefore = _clock.GetUtcNow().UtcDateTime.AddDays(30) }];
        _console.Get<FleetSnapshot>().Apply([impaired, soon, later], []);

        var impairedRule = await CreateRuleAsync(new { name = "impaired 5 min", condition = "statusCheckImpaired", severity = "critical", forMinutes = 5 });
        var scheduledRule = await CreateRuleAsync(new { name = "events this week", condition = "scheduledEvent", severity = "warning", withinDays = 7 });

        (await AlertsOfRuleAsync(impairedRule)).Should().BeEmpty("impaired for less than 5 minutes");
        var scheduled = await AlertsOfRuleAsync(scheduledRule);
        scheduled.Should().ContainSingle().Which.SubjectKey.Should().Be($"instance:{soon.InstanceId}");
        scheduled[0].Summary.Should().Contain("instance-retirement");

        _clock.Advance(TimeSpan.FromMinutes(6));

        var fired = (await AlertsOfRuleAsync(impairedRule)).Should().ContainSingle().Subject;
        fired.SubjectKey.Should().Be($"instance:{impaired.InstanceId}");
        fired.Summary.Should().Contain("1/2 impaired").And.Contain("system impaired");

        var response = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "bad", condition = "scheduledEvent", withinDays = 1000 });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("withinDays", out _).Should().BeTrue();
    }

    [Fact]
    public async Task An_impairment_the_change_log_dates_from_before_this_node_judged_counts_from_then()
    {
        // As after a restart or a failover to another node: this evaluator has never seen the spell begin, the change log has.
        var now = _clock.GetUtcNow().UtcDateTime;
        var instance = ComponentContext.Instance("i-0000000000000ddd4", "impaired-long");
        instance.StatusChecks = new StatusChecks { System = "impaired", Instance = "ok" };
        _console.Get<FleetSnapshot>().Apply([instance], []);
        await using (var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            db.InstanceChanges.AddRange(
                InstanceDiff.Change(instance, ChangeKind.StatusCheck, "status:instance", "ok", "impaired", now.AddMinutes(-40)),
                InstanceDiff.Change(instance, ChangeKind.StatusCheck, "status:instance", "impaired", "ok", now.AddMinutes(-35)),
                InstanceDiff.Change(instance, ChangeKind.StatusCheck, "status:system", "ok", "impaired", now.AddMinutes(-20)));
            await db.SaveChangesAsync();
        }
        var rule = await CreateRuleAsync(new { name = "impaired 30 min", condition = "statusCheckImpaired", severity = "critical", forMinutes = 30 });

        (await AlertsOfRuleAsync(rule)).Should().BeEmpty("the system check has been impaired for 20 minutes; the instance check's older spell ended");

        _clock.Advance(TimeSpan.FromMinutes(11));

        (await AlertsOfRuleAsync(rule)).Should().ContainSingle().Which.Summary.Should().Contain("for 31 min");
    }

    [Fact]
    public async Task An_AWS_notice_fires_a_rule_of_its_kind_within_its_scope_and_clears_after_its_window()
    {
        var ec2 = _moto.Ec2("us-east-1");
        var spot = await Ec2Fleet.LaunchAsync(ec2, "batch-spot", ("team", "batch"));
        var web = await Ec2Fleet.LaunchAsync(ec2, "web-1");
        await _console.SyncAsync();
        var spotRule = await CreateRuleAsync(new { name = "batch Spot", condition = "awsNotice", severity = "critical", noticeKind = "spot-interruption", tag = "team=batch", windowMinutes = 30 });
        var healthRule = await CreateRuleAsync(new { name = "AWS Health", condition = "awsNotice", noticeKind = "health" });

        var handler = _console.Get<FleetEventHandler>();
        (await handler.HandleAsync(Notice(Ec2EventParser.SpotInterruptionType, "aws.ec2", Ec2Detail(spot, "terminate"), spot), "us-east-1", default)).Applied.Should().BeTrue();
        (await handler.HandleAsync(Notice(Ec2EventParser.SpotInterruptionType, "aws.ec2", Ec2Detail(web, "stop"), web), "us-east-1", default)).Applied.Should().BeTrue();
        (await handler.HandleAsync(Notice(Ec2EventParser.HealthType, "aws.health", new
        {
            service = "EC2", eventTypeCode = "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", eventTypeCategory = "scheduledChange",
            affectedEntities = new[] { new { entityValue = web } },
            eventDescription = new[] { new { language = "en_US", latestDescription = "EC2 has detected degradation of the underlying hardware." } },
        }, web), "us-east-1", default)).Applied.Should().BeTrue();
        // Made after both of web-1's notices: a notice wakes the alert engine, and an alert keeps the summary it
        // fired with, so a rule that existed already could have fired between the two with "1 notice".
        var anyRule = await CreateRuleAsync(new { name = "any notice on web-1", condition = "awsNotice", instanceId = web });

        var spotAlert = (await AlertsOfRuleAsync(spotRule)).Should().ContainSingle("web-1's Spot notice is outside the rule's tag").Subject;
        spotAlert.SubjectKey.Should().Be($"instance:{spot}");
        spotAlert.Summary.Should().Contain("Spot interruption warning").And.Contain("terminate");
        var healthAlert = (await AlertsOfRuleAsync(healthRule)).Should().ContainSingle("only web-1 had an AWS Health event").Subject;
        healthAlert.SubjectKey.Should().Be($"instance:{web}");
        healthAlert.Summary.Should().Contain("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED");
        (await AlertsOfRuleAsync(anyRule)).Should().ContainSingle().Which.Summary.Should().Contain("2 notices");

        _clock.Advance(TimeSpan.FromMinutes(31));

        (await AlertsOfRuleAsync(spotRule)).Should().BeEmpty("the notice is older than the rule's 30 minutes");
        (await AlertsOfRuleAsync(healthRule)).Should().ContainSingle("the default window is 60 minutes");

        var response = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = "bad", condition = "awsNotice", noticeKind = "meteor-strike" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("noticeKind", out _).Should().BeTrue();
    }

    /// <summary>An EventBridge event in AWS's envelope, as the event queue delivers it.</summary>
    private string Notice(string detailType, string source, object detail, string instanceId) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["version"] = "0",
        ["id"] = Guid.NewGuid().ToString(),
        ["detail-type"] = detailType,
        ["source"] = source,
        ["account"] = "123456789012",
        ["time"] = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["region"] = "us-east-1",
        ["resources"] = new[] { $"arn:aws:ec2:us-east-1:123456789012:instance/{instanceId}" },
        ["detail"] = detail,
    });

    private static Dictionary<string, string> Ec2Detail(string instanceId, string action) => new() { ["instance-id"] = instanceId, ["instance-action"] = action };

    private async Task<int> CreateRuleAsync(object body)
    {
        var response = await _console.Http.PostAsJsonAsync("/api/alert-rules", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private async Task<List<Alert>> AlertsOfRuleAsync(int ruleId)
    {
        await _console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.Alerts.AsNoTracking().Where(a => a.RuleId == ruleId && a.ResolvedAt == null).OrderBy(a => a.Id).ToListAsync();
    }
}
