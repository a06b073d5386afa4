using BlazorAwsConsole.Access;
using BlazorAwsConsole.Dashboard;
using BlazorAwsConsole.Dashboard.Components;
using BlazorAwsConsole.Dashboard.Pages;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Components;
using BlazorAwsConsole.Probes.Pages;
using BlazorAwsConsole.Tests.Dashboard;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorAwsConsole.Tests.Probes.Components;

/// <summary>A degraded test shows as degraded, in words and in amber, on the list, the test page, the dashboard and the wall; the dialog shows JSON assertion errors on their field.</summary>
public sealed class DegradedDisplayTests : DashboardContext
{
    public DegradedDisplayTests()
    {
        Catalog.Put(Test(1, "fast port", ProbeType.Port));
        Catalog.Put(Test(2, "slow port", ProbeType.Port));
        Catalog.Put(Test(3, "broken port", ProbeType.Port));
    }

    private ProbeResult Degraded(int testId)
    {
        var result = Result(testId, ProbeType.Port, true, 900);
        result.Degraded = true;
        result.Reason = "connected in 900 ms — degraded: slower than 500 ms";
        return result;
    }

    private void RecordThree() => Board.Record([Result(1, ProbeType.Port, true, 5), Degraded(2), Result(3, ProbeType.Port, false, null)]);

    [Fact]
    public void The_result_chip_says_degraded_in_amber()
    {
        var chip = Render<ResultChip>(p => p.Add(c => c.Result, Degraded(2)));

        var element = chip.Find("[data-testid=result-chip]");
        element.GetAttribute("data-status").Should().Be("degraded");
        element.TextContent.Trim().Should().Be("degraded");
        element.ClassList.Should().Contain("mud-chip-color-warning");
    }

    [Fact]
    public async Task The_test_list_counts_degraded_tests_apart_from_passing_and_failing()
    {
        await using var _ = await DatabaseAsync();
        SignInAs(ConsoleRoles.Viewer);
        RecordThree();

        var page = RenderPage<SyntheticTestsPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=degraded-count]").TextContent.Should().Be("1 degraded"));
        page.Find("[data-testid=passing-count]").TextContent.Should().Be("1 passing");
        page.Find("[data-testid=failing-count]").TextContent.Should().Be("1 failing");
        var row = page.FindAll("tr").Single(r => r.QuerySelector("[data-test-name='slow port']") is not null);
        row.QuerySelector("[data-testid=result-chip]")!.GetAttribute("data-status").Should().Be("degraded");
    }

    [Fact]
    public async Task A_test_from_two_locations_is_listed_and_counted_by_its_verdict_not_by_its_newest_run()
    {
        await using var _ = await DatabaseAsync();
        SignInAs(ConsoleRoles.Viewer);
        var twoPlaces = Test(4, "two places", ProbeType.Port);
        twoPlaces.Locations = ["console", "vpc-a"];
        Catalog.Put(twoPlaces);
        var fromVpc = Result(4, ProbeType.Port, false, null);
        fromVpc.Location = "vpc-a";
        Board.Record([Result(1, ProbeType.Port, true, 5), fromVpc, Result(4, ProbeType.Port, true, 5)]);

        var page = RenderPage<SyntheticTestsPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=failing-count]").TextContent.Should().Be("1 failing"));
        page.Find("[data-testid=passing-count]").TextContent.Should().Be("1 passing", "the newest run of 'two places' passed, but from vpc-a it failed (failWhen any)");
        var row = page.FindAll("tr").Single(r => r.QuerySelector("[data-test-name='two places']") is not null);
        var chip = row.QuerySelector("[data-testid=result-chip]")!;
        chip.GetAttribute("data-status").Should().Be("fail");
        chip.GetAttribute("data-verdict").Should().Be("true");
        row.QuerySelector("[data-testid=last-reason]")!.TextContent.Should().StartWith("down from 1 of 2 locations: vpc-a connection refused; console ok");
        row.TextContent.Should().Contain("console, vpc-a", "the list says where the test runs from");
    }

    [Fact]
    public async Task The_test_page_shows_the_latest_run_as_degraded_with_its_reason()
    {
        await using var _ = await DatabaseAsync();
        SignInAs(ConsoleRoles.Viewer);
        await StoreAsync(Degraded(2));

        var page = RenderPage<SyntheticTestPage>(p => p.Add(c => c.Id, 2));

        page.WaitForAssertion(() => page.Find("[data-testid=latest-reason]").GetAttribute("data-status").Should().Be("degraded"));
        page.Find("[data-testid=latest-reason]").TextContent.Should().Contain("degraded: slower than 500 ms");
        page.Find("[data-testid=latest-reason]").ClassList.Should().Contain("mud-alert-text-warning");
    }

    [Fact]
    public void The_dashboard_panel_counts_and_lists_degraded_tests()
    {
        RecordThree();

        var panel = Render<ProbeSummaryPanel>(p => p.Add(c => c.Summary, Services.GetRequiredService<ProbeOverview>().Summary()));

        panel.Find("[data-testid=dash-tests-passing]").TextContent.Should().Be("1");
        panel.Find("[data-testid=dash-tests-degraded]").TextContent.Should().Be("1");
        panel.Find("[data-testid=dash-tests-failing]").TextContent.Should().Be("1");
        panel.Find("[data-testid=dash-type-degraded-port]").TextContent.Should().Be("1");
        panel.FindAll("[data-testid=dash-degraded-test]").Should().ContainSingle().Which.TextContent.Should().Contain("degraded").And.Contain("slow port");
    }

    [Fact]
    public async Task The_wall_shows_an_amber_degraded_tile_and_row_in_words()
    {
        await using var _ = await DatabaseAsync();
        RecordThree();

        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=wall-degraded-tests-count]").TextContent.Should().Be("1"));
        var tile = page.Find("[data-testid=wall-degraded-tests]");
        tile.ClassList.Should().Contain("warn", "degraded is amber, not red");
        tile.TextContent.Should().Contain("Degraded tests");
        page.FindAll("[data-testid=wall-degraded-test]").Should().ContainSingle().Which.TextContent.Should().Contain("degraded").And.Contain("slow port");
    }

    [Fact]
    public async Task The_dialog_shows_json_assertion_errors_on_their_field_by_line()
    {
        await using var _ = await DatabaseAsync();
        SignInAs(ConsoleRoles.Operator);
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var form = new TestForm { Name = "json dialog", Type = ProbeType.Http, Target = "http://127.0.0.1:9/", JsonAssertionsText = "$.status == ok\n$.count ~ 3\n$.items[*] exists" };
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<TestDialog>("New", new DialogParameters<TestDialog> { { d => d.Form, form } }));

        dialogs.WaitForElement("[data-testid=test-save]").Click();

        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=test-errors]").TextContent.Should().Contain("Not saved"));
        // The message is under the field (MudBlazor puts data-testid on the input itself).
        var field = dialogs.Find("[data-testid=test-json-assertions]").Closest(".mud-input-control")!;
        field.TextContent.Should().Contain("Line 2: Op must be one of").And.Contain("Line 3: Brackets take an index");
        Catalog.Tests.Should().NotContain(t => t.Name == "json dialog");
    }
}
