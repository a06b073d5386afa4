using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;

namespace BlazorAwsConsole.Tests.Fleet.Components;

public sealed class InstanceGridTests : ComponentContext
{
    [Fact]
    public void Each_instance_is_a_row_with_its_name_linking_to_its_page_and_its_state_in_words_and_colour()
    {
        var running = Instance("i-0000000000000000a", "web-1");
        var stopped = Instance("i-0000000000000000b", "db-1", state: "stopped");
        var terminated = Instance("i-0000000000000000c", "old-1", state: "terminated");

        var grid = Render<InstanceGrid>(p => p.Add(g => g.Instances, [running, stopped, terminated]).Add(g => g.Height, "800px"));

        grid.FindAll("tr.instance-row").Should().HaveCount(3);
        grid.Find($"[data-testid=name-{running.InstanceId}]").GetAttribute("href").Should().Be($"/instances/{running.InstanceId}");
        var runningChip = grid.Find($"[data-testid=state-{running.InstanceId}]");
        runningChip.TextContent.Trim().Should().Be("running");
        runningChip.ClassList.Should().Contain(c => c.Contains("success"));
        grid.Find($"[data-testid=state-{stopped.InstanceId}]").TextContent.Trim().Should().Be("stopped");
        grid.Find($"[data-testid=state-{terminated.InstanceId}]").ClassList.Should().Contain("state-terminated");
    }

    [Fact]
    public void An_empty_fleet_says_so()
    {
        var grid = Render<InstanceGrid>(p => p.Add(g => g.Instances, []));

        grid.Find("[data-testid=no-instances]").TextContent.Should().Contain("No instance matches");
    }

    [Fact]
    public void A_busy_instance_shows_progress_instead_of_its_actions()
    {
        var instance = Instance("i-0000000000000000d", "busy-1");

        var grid = Render<InstanceGrid>(p => p
            .Add(g => g.Instances, [instance])
            .Add(g => g.BusyIds, new HashSet<string> { instance.InstanceId }));

        grid.FindAll($"[data-testid=actions-{instance.InstanceId}]").Should().BeEmpty();
        grid.FindAll(".mud-progress-circular").Should().ContainSingle();
    }

    [Fact]
    public void Clicking_a_column_header_sorts_the_rows_by_it()
    {
        global::BlazorAwsConsole.Fleet.Instance[] instances =
        [
            Instance("i-0000000000000000e", "zulu"),
            Instance("i-0000000000000000f", "alpha"),
            Instance("i-00000000000000010", "mike"),
        ];
        var grid = Render<InstanceGrid>(p => p.Add(g => g.Instances, instances).Add(g => g.Height, "800px"));

        grid.FindAll("th .sortable-column-header").First(h => h.TextContent.Trim() == "Name").Click();

        grid.WaitForAssertion(() => grid.FindAll("tr.instance-row td a").Select(a => a.TextContent.Trim())
            .Should().Equal("alpha", "mike", "zulu"));
    }
}
