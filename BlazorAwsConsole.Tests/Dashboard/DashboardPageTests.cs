using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Dashboard.Pages;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Probes;
using Bunit;

namespace BlazorAwsConsole.Tests.Dashboard;

/// <summary>The home page over the real snapshot, status board, alert board and a real SQLite file.</summary>
public sealed class DashboardPageTests : DashboardContext
{
    public DashboardPageTests()
    {
        Snapshot.Load(
        [
            Instance("i-00000000000000001", "web-1", "us-east-1", "running"),
            Instance("i-00000000000000002", "web-2", "us-east-1", "stopped"),
            Instance("i-00000000000000003", "api-1", "eu-west-1", "running"),
        ]);
        Catalog.Put(Test(1, "shop port", ProbeType.Port));
        Catalog.Put(Test(2, "db port", ProbeType.Port));
        Catalog.Put(Test(3, "home page", ProbeType.Http));
        Catalog.Put(Test(4, "never run", ProbeType.Ping));
    }

    private async Task StoreResultsAsync() => await StoreAsync(
        Result(1, ProbeType.Port, true, 10), Result(1, ProbeType.Port, true, 12),
        Result(2, ProbeType.Port, true, 300), Result(2, ProbeType.Port, false, null),
        Result(3, ProbeType.Http, true, 120));

    [Fact]
    public async Task Shows_instance_counts_test_figures_and_open_alerts_from_the_real_sources()
    {
        await StoreResultsAsync();
        Alerts.Set(Alert(1, AlertSeverity.Critical, "db port"));
        Alerts.Set(Alert(2, AlertSeverity.Warning, "shop port"));
        Alerts.Set(Alert(3, AlertSeverity.Warning, "home page", AlertStatus.Acknowledged));

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=dash-total]").TextContent.Should().Be("3"));
        page.Find("[data-testid=dash-state-running]").TextContent.Should().Be("2");
        page.Find("[data-testid=dash-state-stopped]").TextContent.Should().Be("1");
        page.Find("[data-testid=dash-region-us-east-1]").TextContent.Should().Be("2");
        page.Find("[data-testid=dash-region-eu-west-1]").TextContent.Should().Be("1");
        page.FindAll("[data-testid=fleet-charts] svg").Should().NotBeEmpty("the counts are drawn as charts too");

        page.Find("[data-testid=dash-tests-passing]").TextContent.Should().Be("2");
        page.Find("[data-testid=dash-tests-failing]").TextContent.Should().Be("1");
        page.Find("[data-testid=dash-tests-notrun]").TextContent.Should().Be("1");
        // Port: 4 runs in 24 h, 1 failed; HTTP: 1 run, passed.
        page.Find("[data-testid=dash-type-rate-port]").TextContent.Should().Be("75 %");
        page.Find("[data-testid=dash-type-rate-http]").TextContent.Should().Be("100 %");
        page.FindAll("[data-testid=dash-failing-test]").Should().ContainSingle().Which.TextContent.Should().Contain("db port");

        page.Find("[data-testid=dash-alerts-critical]").TextContent.Should().Contain("1");
        page.Find("[data-testid=dash-alerts-warning]").TextContent.Should().Contain("2");
        page.FindAll("[data-testid=dash-alert]").Select(a => a.TextContent).First().Should().Contain("db port", "the most severe alert comes first");
    }

    [Fact]
    public async Task The_slowest_tests_are_ranked_by_their_recent_average_and_charted_over_24_hours()
    {
        await StoreResultsAsync();

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=slowest-test]").Select(t => t.TextContent)
            .Should().HaveCount(3).And.SatisfyRespectively(
                first => first.Should().Contain("db port").And.Contain("300 ms"),
                second => second.Should().Contain("home page").And.Contain("120 ms"),
                third => third.Should().Contain("shop port").And.Contain("11 ms")));
        page.Find("[data-testid=panel-slowest] svg").Should().NotBeNull();
    }

    [Fact]
    public async Task The_change_log_merges_instance_and_test_changes_by_time_with_who_made_them()
    {
        await using (var db = await DatabaseAsync())
        {
            var now = DateTime.UtcNow;
            db.InstanceChanges.Add(new InstanceChange { InstanceId = "i-00000000000000002", Region = "us-east-1", InstanceName = "web-2",
                Kind = ChangeKind.Action, Field = "action", NewValue = "stop", At = now.AddMinutes(-3), ChangedBy = "alice" });
            db.InstanceChanges.Add(new InstanceChange { InstanceId = "i-00000000000000002", Region = "us-east-1", InstanceName = "web-2",
                Kind = ChangeKind.State, Field = "state", OldValue = "running", NewValue = "stopped", At = now.AddMinutes(-1) });
            db.AuditEntries.Add(new AuditEntry { At = now.AddMinutes(-2), Actor = "bob", Action = "test.create", Target = "2", Result = "ok" });
            db.AuditEntries.Add(new AuditEntry { At = now.AddMinutes(-2), Actor = "eve", Action = "test.delete", Target = "9", Result = "refused: no such test" });
            db.AuditEntries.Add(new AuditEntry { At = now, Actor = "bob", Action = "instance.stop", Target = "i-00000000000000002", Result = "ok" });
            await db.SaveChangesAsync();
        }

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.FindAll("tr.recent-change").Should().HaveCount(3));
        var rows = page.FindAll("tr.recent-change");
        rows[0].TextContent.Should().Contain("state: running → stopped").And.Contain("poll");
        rows[1].GetAttribute("data-source").Should().Be("test");
        rows[1].TextContent.Should().Contain("db port").And.Contain("created").And.Contain("bob");
        rows[2].TextContent.Should().Contain("stop requested").And.Contain("alice");
    }

    [Fact]
    public void A_panel_whose_source_fails_shows_its_error_while_the_others_work()
    {
        // The database was never migrated: every query fails, the in-memory sources still answer.
        Board.Record([Result(1, ProbeType.Port, true, 10)]);

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=panel-changes] [data-testid=panel-error]").TextContent
            .Should().StartWith("This panel could not load: ").And.Contain("no such table"));
        page.Find("[data-testid=panel-slowest] [data-testid=panel-error]").TextContent.Should().Contain("no such table");
        page.Find("[data-testid=panel-warnings] [data-testid=panel-error]").TextContent.Should().Contain("no such table");
        page.Find("[data-testid=dash-total]").TextContent.Should().Be("3");
        page.Find("[data-testid=dash-tests-passing]").TextContent.Should().Be("1");
        page.FindAll("[data-testid=panel-fleet] [data-testid=panel-error]").Should().BeEmpty();
        page.FindAll("[data-testid=panel-alerts] [data-testid=panel-error]").Should().BeEmpty();
    }

    [Fact]
    public async Task Fleet_results_and_alerts_published_on_the_live_feed_appear_without_a_reload()
    {
        await StoreResultsAsync();
        var page = RenderPage<DashboardPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=dash-state-stopped]").TextContent.Should().Be("1"));

        Snapshot.Apply([Instance("i-00000000000000001", "web-1", "us-east-1", "stopped")], []);
        Feed.Publish(new FleetChanged([], ["us-east-1"]));
        var failure = Result(1, ProbeType.Port, false, null, DateTime.UtcNow);
        Board.Record([failure]);
        Feed.Publish(new ProbeResultsStored([failure]));
        Alerts.Set(Alert(7, AlertSeverity.Critical, "shop port"));
        Feed.Publish(new AlertsChanged([]));

        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=dash-state-stopped]").TextContent.Should().Be("2");
            page.Find("[data-testid=dash-tests-failing]").TextContent.Should().Be("2");
            page.Find("[data-testid=dash-alerts-critical]").TextContent.Should().Contain("1");
        });
    }

    [Fact]
    public void A_burst_of_a_thousand_changes_causes_a_handful_of_renders_and_ends_on_the_last_state()
    {
        var page = RenderPage<DashboardPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=dash-total]").TextContent.Should().Be("3"));
        var before = page.Instance.LiveRenders;

        for (var i = 1; i <= 1000; i++)
        {
            Snapshot.Apply([Instance($"i-{100 + i:d17}", $"burst-{i}", "ap-south-1")], []);
            Feed.Publish(new FleetChanged([], ["ap-south-1"]));
        }

        page.WaitForAssertion(() => page.Find("[data-testid=dash-region-ap-south-1]").TextContent.Should().Be("1000"),
            TimeSpan.FromSeconds(10));
        page.Find("[data-testid=dash-total]").TextContent.Should().Be("1003");
        (page.Instance.LiveRenders - before).Should().BeInRange(1, 10, "events are coalesced into at most one render per tick");
    }

    [Fact]
    public async Task Closing_the_page_releases_its_live_feed_subscriptions()
    {
        var before = Feed.SubscriberCount;
        RenderPage<DashboardPage>();
        RenderPage<WallPage>();
        Feed.SubscriberCount.Should().BeGreaterThan(before);

        await DisposeComponentsAsync();

        Feed.SubscriberCount.Should().Be(before);
    }

    [Theory]
    [InlineData(ConsoleRoles.Viewer, false, false)]
    [InlineData(ConsoleRoles.Operator, true, false)]
    [InlineData(ConsoleRoles.Admin, true, true)]
    public void Quick_actions_follow_the_role(string role, bool operate, bool administer)
    {
        SignInAs(role);

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=panel-actions]"));
        page.FindAll("[data-testid=quick-stop]").Should().HaveCount(operate ? 1 : 0);
        page.FindAll("[data-testid=quick-start]").Should().HaveCount(operate ? 1 : 0);
        page.FindAll("[data-testid=quick-run-test]").Should().HaveCount(operate ? 1 : 0);
        page.FindAll("[data-testid=quick-new-test]").Should().HaveCount(operate ? 1 : 0);
        page.FindAll("[data-testid=quick-launch-jump]").Should().HaveCount(administer ? 1 : 0);
        page.FindAll("[data-testid=quick-none]").Should().HaveCount(operate ? 0 : 1);
    }

    [Fact]
    public void Failing_notification_channels_show_only_when_there_are_some()
    {
        var none = Render<BlazorAwsConsole.Dashboard.Components.FailingChannelsPanel>(p => p.Add(c => c.Channels, []));
        none.Markup.Trim().Should().BeEmpty();

        var some = Render<BlazorAwsConsole.Dashboard.Components.FailingChannelsPanel>(p => p.Add(c => c.Channels,
            [("ops-slack", "404 Not Found"), ("pager", "connection refused")]));
        some.FindAll("[data-testid=failing-channel]").Select(c => c.TextContent).Should().SatisfyRespectively(
            first => first.Should().Contain("ops-slack").And.Contain("404 Not Found"),
            second => second.Should().Contain("pager").And.Contain("connection refused"));
    }

    [Fact]
    public async Task A_channel_whose_last_deliveries_failed_is_flagged_on_the_dashboard_with_its_last_error()
    {
        await using (var db = await DatabaseAsync())
        {
            db.NotificationChannels.Add(new BlazorAwsConsole.Alerts.Channels.NotificationChannel
                { Name = "ops-hook", Url = "http://127.0.0.1:9/hook", FailureStreak = 3, LastError = "connection refused", CreatedAt = DateTime.UtcNow });
            db.NotificationChannels.Add(new BlazorAwsConsole.Alerts.Channels.NotificationChannel
                { Name = "once-failed", Url = "http://127.0.0.1:9/other", FailureStreak = 1, LastError = "timeout", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=failing-channel]").Should().ContainSingle()
            .Which.TextContent.Should().Contain("ops-hook").And.Contain("connection refused"));
    }
}
