using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Components.Layout;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Dashboard;
using Bunit;

namespace BlazorAwsConsole.Tests.Components;

/// <summary>The layout's one polite live region: a short line when a test starts failing or an alert fires, and nothing else.</summary>
public sealed class LiveAnnouncerTests : DashboardContext
{
    public LiveAnnouncerTests()
    {
        Catalog.Put(Test(1, "shop port", ProbeType.Port));
        Catalog.Put(Test(2, "db port", ProbeType.Port));
    }

    private static string Line(IRenderedComponent<LiveAnnouncer> region) => region.Find("[data-testid=live-announcer]").TextContent;

    private void Store(params ProbeResult[] results)
    {
        Board.Record(results);
        Feed.Publish(new ProbeResultsStored(results));
    }

    [Fact]
    public void The_region_is_polite_atomic_and_silent_until_something_happens()
    {
        var region = Render<LiveAnnouncer>();

        var element = region.Find("[data-testid=live-announcer]");
        element.GetAttribute("aria-live").Should().Be("polite");
        element.GetAttribute("role").Should().Be("status");
        element.GetAttribute("aria-atomic").Should().Be("true");
        element.TextContent.Should().BeEmpty();
    }

    [Fact]
    public void A_test_that_starts_failing_is_announced_once_and_a_passing_run_is_not()
    {
        var region = Render<LiveAnnouncer>();
        Store(Result(1, ProbeType.Port, true, 5));
        Store(Result(1, ProbeType.Port, false, null));

        region.WaitForAssertion(() => Line(region).Should().Be("Test shop port started failing: connection refused"));

        // It keeps failing: no news, the line stays the one about the start; a new failure elsewhere replaces it.
        Store(Result(1, ProbeType.Port, false, null));
        Store(Result(2, ProbeType.Port, true, 5));
        Store(Result(2, ProbeType.Port, false, null));
        region.WaitForAssertion(() => Line(region).Should().Be("Test db port started failing: connection refused"));
    }

    [Fact]
    public void A_test_still_failing_after_its_first_failure_says_nothing()
    {
        var region = Render<LiveAnnouncer>();
        Board.Record([Result(1, ProbeType.Port, false, null)]);
        Store(Result(1, ProbeType.Port, false, null));
        Store(Result(2, ProbeType.Port, true, 4));
        Store(Result(2, ProbeType.Port, false, null));

        // Only db port is news (shop port was already failing before the page opened).
        region.WaitForAssertion(() => Line(region).Should().Be("Test db port started failing: connection refused"));
    }

    [Fact]
    public void A_firing_alert_is_announced_and_acknowledgements_and_resolutions_are_not()
    {
        var region = Render<LiveAnnouncer>();
        Feed.Publish(new AlertsChanged([Alert(7, AlertSeverity.Critical, "shop port")]));

        region.WaitForAssertion(() => Line(region).Should().Be("Critical alert: rule 7 — failed 3 times in a row"));

        var acknowledged = Alert(7, AlertSeverity.Critical, "shop port", AlertStatus.Acknowledged);
        acknowledged.AcknowledgedAt = DateTime.UtcNow;
        Feed.Publish(new AlertsChanged([acknowledged, Alert(8, AlertSeverity.Warning, "db port", AlertStatus.Resolved)]));
        Feed.Publish(new AlertsChanged([Alert(9, AlertSeverity.Warning, "db port")]));
        region.WaitForAssertion(() => Line(region).Should().Be("Warning alert: rule 9 — failed 3 times in a row"));
    }

    [Fact]
    public void A_burst_of_alerts_is_one_line_naming_the_first_and_counting_the_rest()
    {
        var region = Render<LiveAnnouncer>();
        Feed.Publish(new AlertsChanged([.. Enumerable.Range(1, 50).Select(i => Alert(i, AlertSeverity.Critical, $"subject {i}"))]));

        region.WaitForAssertion(() => Line(region).Should().Be("Critical alert: rule 1 — failed 3 times in a row (and 49 more)"));
    }

    [Fact]
    public void Closing_the_layout_unsubscribes_from_the_feed()
    {
        var before = Feed.SubscriberCount;
        var region = Render<LiveAnnouncer>();
        Feed.SubscriberCount.Should().Be(before + 2);

        region.Instance.Dispose();

        Feed.SubscriberCount.Should().Be(before);
    }
}
