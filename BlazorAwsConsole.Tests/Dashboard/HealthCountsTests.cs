using BlazorAwsConsole.Dashboard.Pages;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Dashboard;

/// <summary>
/// The dashboard and the wall count impaired instances and instances with a scheduled event in the
/// next 7 days, live, each linking to the fleet grid filtered by <c>?health=</c>. moto cannot make an
/// instance impaired, so the instances carry the health a DescribeInstanceStatus answer would give
/// them, as StatusChecksTests and HealthAlertRuleTests seed it.
/// </summary>
public sealed class HealthCountsTests : DashboardContext
{
    private static readonly DateTime Now = DateTime.UtcNow;

    public HealthCountsTests()
    {
        var impaired = Instance("i-0000000000000ccc1", "impaired-1");
        impaired.StatusChecks = new StatusChecks { System = "impaired", Instance = "ok" };
        var soon = Instance("i-0000000000000ccc2", "retiring-1", "eu-west-1");
        soon.StatusChecks = new StatusChecks { System = "ok", Instance = "ok" };
        soon.ScheduledEvents = [new ScheduledEvent { Code = "instance-retirement", Description = "degraded hardware", NotBefore = Now.AddDays(3) }];
        var later = Instance("i-0000000000000ccc3", "maintained-later");
        later.StatusChecks = new StatusChecks { System = "ok", Instance = "ok" };
        later.ScheduledEvents = [new ScheduledEvent { Code = "system-maintenance", Description = "network", NotBefore = Now.AddDays(30) }];
        var healthy = Instance("i-0000000000000ccc4", "healthy-1");
        healthy.StatusChecks = new StatusChecks { System = "ok", Instance = "ok" };
        Snapshot.Load([impaired, soon, later, healthy]);
    }

    private void ImpairLive(string id)
    {
        var instance = Instance(id, "healthy-1");
        instance.StatusChecks = new StatusChecks { System = "ok", Instance = "impaired" };
        instance.ScheduledEvents = [new ScheduledEvent { Code = "system-reboot", Description = "reboot", NotBefore = Now.AddDays(1) }];
        Snapshot.Apply([instance], []);
        Feed.Publish(new FleetChanged([], ["us-east-1"]));
    }

    [Fact]
    public async Task The_dashboard_counts_impaired_and_soon_scheduled_instances_links_them_and_updates_live()
    {
        await using var _ = await DatabaseAsync();
        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=dash-impaired]").TextContent.Should().Be("1"));
        page.Find("[data-testid=dash-scheduled]").TextContent.Should().Be("1", "the event 30 days away is beyond the 7-day horizon");
        page.Find("[data-testid=dash-impaired-link]").GetAttribute("href").Should().Be("/fleet?health=impaired");
        page.Find("[data-testid=dash-scheduled-link]").GetAttribute("href").Should().Be("/fleet?health=scheduled");

        ImpairLive("i-0000000000000ccc4");

        page.WaitForAssertion(() => page.Find("[data-testid=dash-impaired]").TextContent.Should().Be("2"));
        page.Find("[data-testid=dash-scheduled]").TextContent.Should().Be("2");
    }

    [Fact]
    public async Task The_wall_shows_impaired_as_critical_and_scheduled_as_warning_tiles_linked_to_the_grid_and_live()
    {
        await using var _ = await DatabaseAsync();
        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=wall-impaired-count]").TextContent.Should().Be("1"));
        page.Find("[data-testid=wall-impaired-state]").TextContent.Should().Be("critical");
        page.Find("[data-testid=wall-scheduled-events-count]").TextContent.Should().Be("1");
        page.Find("[data-testid=wall-scheduled-events-state]").TextContent.Should().Be("warning");
        page.Find("[data-testid=wall-impaired-link]").GetAttribute("href").Should().Be("/fleet?health=impaired");
        page.Find("[data-testid=wall-scheduled-events-link]").GetAttribute("href").Should().Be("/fleet?health=scheduled");
        page.FindAll(".wall-tile").First().GetAttribute("data-testid").Should().Be("wall-impaired", "the only critical problem comes first");

        ImpairLive("i-0000000000000ccc4");

        page.WaitForAssertion(() => page.Find("[data-testid=wall-impaired-count]").TextContent.Should().Be("2"));
        page.Find("[data-testid=wall-scheduled-events-count]").TextContent.Should().Be("2");
    }

    [Fact]
    public void The_fleet_grid_opened_from_a_count_shows_only_what_was_counted()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/fleet?health=impaired");

        var page = RenderPage<FleetPage>();

        page.FindAll("tr.instance-row").Should().ContainSingle().Which.TextContent.Should().Contain("impaired-1");
        page.Find("[data-testid=shown-count]").TextContent.Should().Be("1 of 4 shown");
    }
}
