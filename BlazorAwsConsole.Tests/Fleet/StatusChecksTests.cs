using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Fleet.Pages;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Tests.Fleet;

/// <summary>
/// DescribeInstanceStatus as AWS answers it (two pages in the documented XML shape, served on loopback
/// to the real SDK), what the diff logs, and the pages that show it. moto cannot make an instance
/// impaired or give it scheduled events, so those come from the captured answers.
/// </summary>
public sealed class StatusChecksTests : ComponentContext
{
    [Fact]
    public async Task Every_page_of_DescribeInstanceStatus_is_read_with_checks_and_live_scheduled_events()
    {
        await using var ec2 = await CannedEc2.StartAsync("describe-instance-status-page1.xml", "describe-instance-status-page2.xml");
        using var aws = new AwsClientFactory(Options.Create(new AwsOptions { ServiceUrl = ec2.Endpoint, MaxAttempts = 1 }));
        var inventory = new Ec2Inventory(aws);

        var health = await inventory.StatusAsync(new WatchedRegion { Code = "us-east-1", Name = "US East 1", ServiceUrl = ec2.Endpoint }, CancellationToken.None);

        ec2.Requests.Should().HaveCount(2);
        ec2.Requests.Should().OnlyContain(r => r.Contains("Action=DescribeInstanceStatus") && r.Contains("IncludeAllInstances=true"));
        ec2.Requests[1].Should().Contain("NextToken=");
        health.Keys.Should().BeEquivalentTo(["i-1234567890abcdef0", "i-1234567890abcdef1", "i-1234567890abcdef2", "i-1234567890abcdef3"]);

        var (impaired, events) = health["i-1234567890abcdef0"];
        (impaired.System, impaired.Instance, impaired.Ebs).Should().Be(("impaired", "ok", "ok"));
        impaired.Summary.Should().Be("1/3 impaired");
        impaired.ImpairedSince.Should().Equal(new Dictionary<string, DateTime> { ["system"] = new(2026, 11, 28, 8, 15, 0, DateTimeKind.Utc) });
        events.Should().ContainSingle().Which.Should().BeEquivalentTo(new ScheduledEvent
        {
            Code = "instance-retirement",
            Description = "The instance is running on degraded hardware",
            NotBefore = new DateTime(2026, 12, 3, 2, 0, 0, DateTimeKind.Utc),
            NotAfter = new DateTime(2026, 12, 3, 4, 0, 0, DateTimeKind.Utc),
        });
        health["i-1234567890abcdef1"].Checks.Summary.Should().Be("2/2 checks passed");
        health["i-1234567890abcdef1"].Events.Should().BeEmpty("a [Completed] event is history, not a scheduled one");
        health["i-1234567890abcdef2"].Checks.Summary.Should().Be("initializing");
        health["i-1234567890abcdef3"].Checks.Summary.Should().Be("–");
    }

    [Fact]
    public void A_check_that_moves_and_an_event_that_comes_or_goes_are_change_records_but_a_first_reading_that_is_well_is_not()
    {
        var stored = Instance("i-0000000000000aaaa", "web-1");
        var first = Observed(stored, new StatusChecks { System = "ok", Instance = "ok" });
        InstanceDiff.Apply(stored, first, DateTime.UtcNow).Should().BeEmpty();
        stored.StatusChecks!.Summary.Should().Be("2/2 checks passed");

        var retirement = new ScheduledEvent { Code = "instance-retirement", Description = "degraded hardware", NotBefore = DateTime.UtcNow.AddDays(3) };
        var changes = InstanceDiff.Apply(stored, Observed(stored, new StatusChecks { System = "impaired", Instance = "ok" }, retirement), DateTime.UtcNow);

        changes.Select(c => (c.Kind, c.Field, c.OldValue, c.NewValue)).Should().BeEquivalentTo(new[]
        {
            (ChangeKind.StatusCheck, "status:system", (string?)"ok", (string?)"impaired"),
            (ChangeKind.ScheduledEvent, "scheduledEvent:instance-retirement", null, retirement.Describe()),
        });
        InstanceDiff.Apply(stored, Observed(stored, new StatusChecks { System = "impaired", Instance = "ok" }, retirement), DateTime.UtcNow).Should().BeEmpty();
        var cleared = InstanceDiff.Apply(stored, Observed(stored, new StatusChecks { System = "ok", Instance = "ok" }), DateTime.UtcNow);
        cleared.Should().HaveCount(2).And.Contain(c => c.Field == "scheduledEvent:instance-retirement" && c.NewValue == null);
        // A refresh of one instance reads no status: what is stored stays.
        InstanceDiff.Apply(stored, Observed(stored, null), DateTime.UtcNow).Should().BeEmpty();
        stored.StatusChecks.Summary.Should().Be("2/2 checks passed");
    }

    [Fact]
    public void A_check_already_impaired_at_the_first_reading_is_a_record_from_nothing_dated_when_EC2_says_it_failed()
    {
        var now = DateTime.UtcNow;
        var known = Instance("i-0000000000000aaa2", "web-2");
        var failedAt = now.AddHours(-2);
        var changes = InstanceDiff.Apply(known, Observed(known, new StatusChecks
        {
            System = "ok", Instance = "impaired", Ebs = "impaired", ImpairedSince = new() { ["instance"] = failedAt },
        }), now);
        changes.Select(c => (c.Kind, c.Field, c.OldValue, c.NewValue, c.At)).Should().BeEquivalentTo(new[]
        {
            (ChangeKind.StatusCheck, "status:instance", (string?)null, (string?)"impaired", failedAt),
            (ChangeKind.StatusCheck, "status:ebs", (string?)null, (string?)"impaired", now),
        }, "the instance check failed when EC2 says; of the EBS check EC2 said nothing, so it counts from now");
        known.StatusChecks!.ImpairedSince.Should().ContainKey("instance");

        var appeared = Instance("i-0000000000000aaa3", "web-3");
        appeared.StatusChecks = new StatusChecks { System = "impaired", Instance = "ok" };
        InstanceDiff.Appeared(appeared, now).Select(c => (c.Kind, c.Field, c.NewValue)).Should().Equal(
            (ChangeKind.Appeared, "", appeared.State), (ChangeKind.StatusCheck, "status:system", "impaired"));
    }

    [Fact]
    public void The_grid_says_impaired_in_words_and_red_and_filters_by_status()
    {
        var impaired = Instance("i-0000000000000bbb1", "impaired-1");
        impaired.StatusChecks = new StatusChecks { System = "impaired", Instance = "ok" };
        var passed = Instance("i-0000000000000bbb2", "passed-1");
        passed.StatusChecks = new StatusChecks { System = "ok", Instance = "ok" };
        var starting = Instance("i-0000000000000bbb3", "starting-1");
        starting.StatusChecks = new StatusChecks { System = "initializing", Instance = "initializing" };
        starting.ScheduledEvents = [new ScheduledEvent { Code = "system-reboot", Description = "maintenance", NotBefore = DateTime.UtcNow.AddDays(2) }];

        var grid = Render<InstanceGrid>(p => p.Add(g => g.Instances, [impaired, passed, starting]).Add(g => g.Height, "800px"));

        var cell = grid.Find($"[data-testid=checks-{impaired.InstanceId}]");
        cell.TextContent.Trim().Should().Be("1/2 impaired");
        cell.ClassList.Should().Contain(c => c.Contains("error"));
        grid.Find($"[data-testid=checks-{passed.InstanceId}]").TextContent.Trim().Should().Be("2/2 checks passed");
        grid.Find($"[data-testid=checks-{starting.InstanceId}]").TextContent.Trim().Should().Be("initializing · 1 scheduled");
        new InstanceFilter(Health: "impaired").Apply([impaired, passed, starting]).Should().Equal(impaired);
        new InstanceFilter(Health: "passed").Apply([impaired, passed, starting]).Should().Equal(passed);
        new InstanceFilter(Health: "initializing").Apply([impaired, passed, starting]).Should().Equal(starting);
        new InstanceFilter(Health: "scheduled").Apply([impaired, passed, starting]).Should().Equal(starting);
    }

    [Fact]
    public async Task The_instance_page_shows_each_check_each_scheduled_event_and_AWS_notices()
    {
        var instance = Instance("i-0000000000000ccc1", "retiring-1");
        instance.StatusChecks = new StatusChecks
        {
            System = "impaired", Instance = "ok", Ebs = "ok", ImpairedSince = new() { ["system"] = new DateTime(2026, 11, 28, 8, 15, 0, DateTimeKind.Utc) },
        };
        instance.ScheduledEvents = [new ScheduledEvent
        {
            Code = "instance-retirement", Description = "The instance is running on degraded hardware",
            NotBefore = new DateTime(2026, 12, 3, 2, 0, 0, DateTimeKind.Utc), NotAfter = new DateTime(2026, 12, 3, 4, 0, 0, DateTimeKind.Utc),
        }];
        Snapshot.Load([instance]);
        await using (var db = await DatabaseAsync())
        {
            db.InstanceChanges.Add(InstanceDiff.Change(instance, ChangeKind.AwsNotice, "spot-interruption", null,
                "Spot interruption warning: EC2 will terminate it in 2 minutes", DateTime.UtcNow, "event"));
            await db.SaveChangesAsync();
        }

        var page = RenderPage<InstancePage>(p => p.Add(x => x.InstanceId, instance.InstanceId));

        page.WaitForAssertion(() => page.Find("[data-testid=instance-notices]").TextContent.Should().Contain("terminate it in 2 minutes"));
        var checks = page.Find("[data-testid=instance-status-checks]").TextContent;
        checks.Should().Contain("system").And.Contain("impaired since 2026-11-28 08:15 UTC").And.Contain("ebs");
        var events = page.Find("[data-testid=instance-scheduled-events]").TextContent;
        events.Should().Contain("instance-retirement").And.Contain("degraded hardware").And.Contain("2026-12-03 02:00").And.Contain("2026-12-03 04:00");
    }

    private static Instance Observed(Instance stored, StatusChecks? checks, params ScheduledEvent[] events) => new()
    {
        InstanceId = stored.InstanceId, Region = stored.Region, Name = stored.Name, State = stored.State, InstanceType = stored.InstanceType,
        PrivateIp = stored.PrivateIp, Tags = new(stored.Tags), StatusChecks = checks, ScheduledEvents = [.. events],
    };
}

/// <summary>The console on moto: DescribeInstanceStatus's answers reach the API's instance JSON and its health filter.</summary>
public sealed class StatusChecksOnMotoTests(SmallFleet fleet) : IClassFixture<SmallFleet>
{
    [Fact]
    public async Task Running_instances_show_their_passed_checks_and_stopped_ones_not_applicable()
    {
        var running = await fleet.Console.Http.GetFromJsonAsync<JsonElement>($"/api/instances/{fleet.ProdWeb}");
        var stopped = await fleet.Console.Http.GetFromJsonAsync<JsonElement>($"/api/instances/{fleet.StoppedDb}");

        var checks = running.GetProperty("instance").GetProperty("statusChecks");
        checks.GetProperty("system").GetString().Should().Be("ok");
        checks.GetProperty("instance").GetString().Should().Be("ok");
        checks.TryGetProperty("ebs", out _).Should().BeTrue();
        running.GetProperty("instance").GetProperty("scheduledEvents").GetArrayLength().Should().Be(0);
        stopped.GetProperty("instance").GetProperty("statusChecks").GetProperty("system").GetString().Should().Be("not-applicable");

        var passed = await fleet.Console.Http.GetFromJsonAsync<JsonElement>("/api/instances?health=passed");
        passed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString())
            .Should().BeEquivalentTo([fleet.ProdWeb, fleet.StagingApi]);
        (await fleet.Console.Http.GetAsync("/api/instances?health=sick")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
