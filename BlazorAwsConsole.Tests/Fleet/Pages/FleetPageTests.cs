using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Pages;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;

namespace BlazorAwsConsole.Tests.Fleet.Pages;

public sealed class FleetPageTests : ComponentContext
{
    public FleetPageTests()
    {
        Snapshot.Load(
        [
            Instance("i-00000000000000001", "web-1", "us-east-1", "running", ("team", "payments")),
            Instance("i-00000000000000002", "web-2", "us-east-1", "stopped"),
            Instance("i-00000000000000003", "api-1", "eu-west-1", "running", ("team", "search")),
        ]);
    }

    [Fact]
    public void Shows_every_instance_with_counts_by_state_and_region()
    {
        var page = RenderPage<FleetPage>();

        page.FindAll("tr.instance-row").Should().HaveCount(3);
        page.Find("[data-testid=count-total]").TextContent.Should().Be("3");
        page.Find("[data-testid=count-state-running]").TextContent.Should().Be("2");
        page.Find("[data-testid=count-state-stopped]").TextContent.Should().Be("1");
        page.Find("[data-testid=count-region-eu-west-1]").TextContent.Should().Be("1");
    }

    [Fact]
    public void The_filter_box_narrows_the_grid_by_tag_value()
    {
        var page = RenderPage<FleetPage>();

        page.Find("input[data-testid=fleet-filter]").Input("search");

        page.WaitForAssertion(() => page.FindAll("tr.instance-row").Should().ContainSingle()
            .Which.TextContent.Should().Contain("api-1"));
        page.Find("[data-testid=shown-count]").TextContent.Should().Be("1 of 3 shown");
    }

    [Fact]
    public void A_change_published_on_the_live_feed_appears_without_a_reload()
    {
        var page = RenderPage<FleetPage>();
        var stopped = Instance("i-00000000000000001", "web-1", "us-east-1", "stopped", ("team", "payments"));

        Snapshot.Apply([stopped], []);
        Feed.Publish(new FleetChanged([], ["us-east-1"]));

        page.WaitForAssertion(() => page.Find("[data-testid=state-i-00000000000000001]").TextContent.Trim().Should().Be("stopped"));
        page.Find("[data-testid=count-state-stopped]").TextContent.Should().Be("2");
    }

    [Fact]
    public async Task Closing_the_page_unsubscribes_it_from_the_live_feed()
    {
        var before = Feed.SubscriberCount;
        RenderPage<FleetPage>();
        RenderPage<FleetPage>();
        Feed.SubscriberCount.Should().Be(before + 2);

        await DisposeComponentsAsync();

        Feed.SubscriberCount.Should().Be(before);
    }
}
