using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Dashboard;
using BlazorAwsConsole.Dashboard.Pages;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Probes;
using Bunit;

namespace BlazorAwsConsole.Tests.Dashboard;

/// <summary>The wall view: problems as big figures sorted first, then the lists, live.</summary>
public sealed class WallPageTests : DashboardContext
{
    public WallPageTests()
    {
        Snapshot.Load(
        [
            Instance("i-00000000000000001", "web-1", "us-east-1", "running"),
            Instance("i-00000000000000002", "web-2", "us-east-1", "running"),
            Instance("i-00000000000000003", "api-1", "eu-west-1", "running"),
        ]);
        Catalog.Put(Test(1, "shop port", ProbeType.Port));
        Catalog.Put(Test(2, "db port", ProbeType.Port));
    }

    private static string[] TileOrder(IRenderedComponent<WallPage> page) =>
        page.FindAll(".wall-tile").Select(t => t.GetAttribute("data-testid")!).ToArray();

    [Fact]
    public async Task With_nothing_wrong_every_tile_is_zero_and_the_lists_say_so()
    {
        await using var _ = await DatabaseAsync();
        Board.Record([Result(1, ProbeType.Port, true, 5), Result(2, ProbeType.Port, true, 6)]);

        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=wall-total]").TextContent.Should().Be("3"));
        page.FindAll(".wall-tile[data-problem=true]").Should().BeEmpty();
        TileOrder(page).Should().Equal("wall-failing-tests", "wall-degraded-tests", "wall-alerts-critical", "wall-alerts-warning", "wall-stale-regions", "wall-stopped", "wall-impaired", "wall-scheduled-events", "wall-in-transition");
        page.Find("[data-testid=panel-wall-failing]").TextContent.Should().Contain("All 2 tests pass");
        page.Find("[data-testid=wall-tests-passing]").TextContent.Should().Be("2");
    }

    [Fact]
    public async Task Problems_move_to_the_front_worst_first_and_update_live()
    {
        await using var _ = await DatabaseAsync();
        Board.Record([Result(1, ProbeType.Port, true, 5)]);
        var page = RenderPage<WallPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=wall-running]").TextContent.Should().Be("3"));

        // Tagged env=prod: a stopped instance the wall counts as a problem by default (Wall:StoppedProblemTags).
        Snapshot.Apply([Instance("i-00000000000000003", "api-1", "eu-west-1", "stopped", ("env", "prod"))], []);
        Feed.Publish(new FleetChanged([], ["eu-west-1"]));
        var failure = Result(2, ProbeType.Port, false, null, DateTime.UtcNow);
        Board.Record([failure]);
        Feed.Publish(new ProbeResultsStored([failure]));
        Alerts.Set(Alert(5, AlertSeverity.Warning, "db port"));
        Feed.Publish(new AlertsChanged([]));

        page.WaitForAssertion(() => TileOrder(page).Should().Equal(
            "wall-failing-tests", "wall-alerts-warning", "wall-stopped", "wall-degraded-tests", "wall-alerts-critical", "wall-stale-regions", "wall-impaired", "wall-scheduled-events", "wall-in-transition"));
        page.Find("[data-testid=wall-failing-tests-count]").TextContent.Should().Be("1");
        page.Find("[data-testid=wall-stopped-count]").TextContent.Should().Be("1");
        page.Find("[data-testid=wall-running]").TextContent.Should().Be("2");
        page.FindAll("[data-testid=wall-failing-test]").Should().ContainSingle().Which.TextContent.Should().Contain("db port");
        page.FindAll("[data-testid=wall-alert]").Should().ContainSingle().Which.TextContent.Should().Contain("Warning");
    }

    [Fact]
    public void Long_lists_are_cut_to_fit_the_screen_with_a_count_of_the_rest()
    {
        for (var id = 10; id < 10 + WallPage.MaxRows + 4; id++)
        {
            Catalog.Put(Test(id, $"failing {id}", ProbeType.Port));
            Board.Record([Result(id, ProbeType.Port, false, null)]);
        }

        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => page.FindAll("[data-testid=wall-failing-test]").Should().HaveCount(WallPage.MaxRows));
        page.Find("[data-testid=panel-wall-failing]").TextContent.Should().Contain("+ 4 more");
        page.Find("[data-testid=wall-failing-tests-count]").TextContent.Should().Be((WallPage.MaxRows + 4).ToString());
    }

    [Fact]
    public void Tiles_sort_red_problems_before_amber_ones_and_keep_healthy_ones_in_place()
    {
        var sorted = WallTile.ProblemsFirst(
        [
            new WallTile("a", "A", 0, 2),
            new WallTile("b", "B", 3, 1),
            new WallTile("c", "C", 1, 2),
            new WallTile("d", "D", 0, 1),
        ]);

        sorted.Select(t => t.Key).Should().Equal("c", "b", "a", "d");
        sorted[0].CssClass.Should().Be("problem");
        sorted[1].CssClass.Should().Be("warn");
        sorted[2].CssClass.Should().BeEmpty();
    }
}
