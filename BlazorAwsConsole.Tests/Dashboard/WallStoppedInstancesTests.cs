using System.ComponentModel.DataAnnotations;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Dashboard;
using BlazorAwsConsole.Dashboard.Pages;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Probes;
using Bunit;

namespace BlazorAwsConsole.Tests.Dashboard;

/// <summary>
/// The wall counts a stopped instance as a problem only where a rule says so (a Wall:StoppedProblemTags
/// tag, by default env=prod, or an enabled "instance is stopped" alert rule watching it), and writes big
/// figures with thousands separators whatever the culture.
/// </summary>
public sealed class WallStoppedInstancesTests : DashboardContext
{
    private static string Id(int n) => $"i-{n:x17}";

    private static string Text(IRenderedComponent<WallPage> page, string testId) => page.Find($"[data-testid={testId}]").TextContent;

    [Fact]
    public async Task Deliberately_stopped_dev_instances_stay_calm_and_a_stopped_prod_one_is_a_problem()
    {
        await using var _ = await DatabaseAsync();
        Snapshot.Load(
        [
            Instance(Id(1), "dev-1", "us-east-1", "stopped", ("env", "dev")),
            Instance(Id(2), "dev-2", "us-east-1", "stopped", ("env", "dev")),
            Instance(Id(3), "spare", "eu-west-1", "stopped"),
            Instance(Id(4), "web-1", "us-east-1", "running", ("env", "prod")),
        ]);

        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => Text(page, "wall-stopped-expected").Should().Be("3"));
        Text(page, "wall-stopped-count").Should().Be("0");
        page.Find("[data-testid=wall-stopped]").GetAttribute("data-problem").Should().Be("false");
        page.FindAll("[data-testid=wall-stopped-state]").Should().BeEmpty();

        Snapshot.Apply([Instance(Id(4), "web-1", "us-east-1", "stopped", ("env", "prod"))], []);
        Feed.Publish(new FleetChanged([], ["us-east-1"]));

        page.WaitForAssertion(() => Text(page, "wall-stopped-count").Should().Be("1"));
        page.Find("[data-testid=wall-stopped]").GetAttribute("data-problem").Should().Be("true");
        // Amber is not the only sign: the tile says it in words.
        Text(page, "wall-stopped-state").Should().Be("warning");
        Text(page, "wall-stopped-expected").Should().Be("3");
    }

    [Fact]
    public async Task A_stopped_instance_an_alert_rule_watches_counts_as_a_problem_by_id_or_by_tag()
    {
        await using (var db = await DatabaseAsync())
        {
            db.AlertRules.Add(new AlertRule { Name = "db box stopped", Condition = AlertCondition.InstanceState, State = "stopped", InstanceId = Id(1) });
            db.AlertRules.Add(new AlertRule { Name = "batch stopped", Condition = AlertCondition.InstanceState, State = "stopped", Tag = "team=batch" });
            // Disabled, or about another state: these watch nothing here.
            db.AlertRules.Add(new AlertRule { Name = "off", Condition = AlertCondition.InstanceState, State = "stopped", Tag = "env=dev", Enabled = false });
            db.AlertRules.Add(new AlertRule { Name = "running", Condition = AlertCondition.InstanceState, State = "running", Tag = "env=dev" });
            await db.SaveChangesAsync();
        }
        Snapshot.Load(
        [
            Instance(Id(1), "db-1", "us-east-1", "stopped", ("env", "dev")),
            Instance(Id(2), "batch-1", "us-east-1", "stopped", ("team", "batch")),
            Instance(Id(3), "dev-3", "us-east-1", "stopped", ("env", "dev")),
        ]);

        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => Text(page, "wall-stopped-count").Should().Be("2"));
        Text(page, "wall-stopped-expected").Should().Be("1");
    }

    [Fact]
    public async Task Big_figures_have_thousands_separators_and_two_thousand_stopped_dev_boxes_are_not_a_problem()
    {
        await using var _ = await DatabaseAsync();
        Snapshot.Load(
        [
            .. Enumerable.Range(1, 8_000).Select(n => Instance(Id(n), $"web-{n}", "us-east-1", "running")),
            .. Enumerable.Range(8_001, 2_000).Select(n => Instance(Id(n), $"dev-{n}", "eu-west-1", "stopped", ("env", "dev"))),
        ]);

        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => Text(page, "wall-total").Should().Be("10,000"));
        Text(page, "wall-running").Should().Be("8,000");
        Text(page, "wall-stopped-expected").Should().Be("2,000");
        Text(page, "wall-stopped-count").Should().Be("0");
        page.FindAll(".wall-tile[data-problem=true]").Should().BeEmpty();
        page.Find(".wall-footer").TextContent.Should().Contain("us-east-1 8,000").And.Contain("eu-west-1 2,000");
    }

    [Fact]
    public async Task A_red_tile_says_critical_in_words()
    {
        await using var _ = await DatabaseAsync();
        Catalog.Put(Test(1, "shop port", ProbeType.Port));
        Board.Record([Result(1, ProbeType.Port, false, null)]);

        var page = RenderPage<WallPage>();

        page.WaitForAssertion(() => Text(page, "wall-failing-tests-state").Should().Be("critical"));
    }

    [Fact]
    public void The_figure_format_does_not_depend_on_the_culture() =>
        new[] { 0, 999, 1_000, 10_000, 1_234_567 }.Select(WallPage.Figure).Should().Equal("0", "999", "1,000", "10,000", "1,234,567");

    [Fact]
    public void A_stopped_problem_tag_that_is_not_key_value_is_refused_at_start_up()
    {
        var options = new WallOptions { StoppedProblemTags = ["env=prod", "prod", "=x", "team="] };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        errors.Should().HaveCount(2);
        errors.Should().Contain(e => e!.Contains("'prod'")).And.Contain(e => e!.Contains("'=x'"));
    }
}
