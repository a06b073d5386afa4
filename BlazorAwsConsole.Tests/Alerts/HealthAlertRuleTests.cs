using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Alerts;

/// <summary>
/// "Status check impaired for N minutes" and "scheduled event within N days", through the real alert
/// engine. moto cannot make an instance impaired or schedule an event, so the instances carry the
/// health a DescribeInstanceStatus answer would give them (as StatusChecksTests parses it).
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
