using AngleSharp.Dom;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.JumpServers.Components;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Pages;
using BlazorAwsConsole.Tests.Dashboard;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Components;

/// <summary>
/// Every icon-only button of the main lists has an accessible name saying what it does to what
/// ("Pause test shop port"), so a screen reader does not read "button, button, button".
/// </summary>
public sealed class IconButtonNamesTests : DashboardContext
{
    public IconButtonNamesTests()
    {
        Services.AddOptions<AlertOptions>();
        Services.AddSingleton<AlertEvaluator>();
        Services.AddSingleton<AlertRuleValidator>();
        Services.AddSingleton<AlertService>();
        Services.AddSingleton<AlertFollowUps>();
        Services.AddSingleton<AlertEngine>();
    }

    /// <summary>The names of every icon button (MudIconButton, icon-only MudMenu) in the markup; each must have one.</summary>
    private static List<string> IconButtonNames<T>(IRenderedComponent<T> component) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var buttons = component.FindAll("button.mud-icon-button");
        buttons.Should().NotBeEmpty("the rendered list has icon buttons to check");
        return buttons.Select(b => NameOf(b).Should().NotBeNullOrWhiteSpace($"an icon button needs an aria-label or title: {b.OuterHtml}").And.Subject).ToList();
    }

    private static string? NameOf(IElement button) => button.GetAttribute("aria-label") ?? button.GetAttribute("title");

    [Fact]
    public void The_synthetic_test_rows_name_each_action_and_its_test()
    {
        Catalog.Put(Test(1, "moto API answers", ProbeType.Port));
        var paused = Test(2, "shop front", ProbeType.Http);
        paused.Enabled = false;
        Catalog.Put(paused);

        var page = RenderPage<SyntheticTestsPage>();

        var names = IconButtonNames(page);
        names.Should().Contain(["Run test moto API answers now", "Pause test moto API answers", "Edit test moto API answers", "Delete test moto API answers"]);
        names.Should().Contain("Resume test shop front");
    }

    [Fact]
    public async Task The_alert_rules_and_maintenance_windows_name_each_action_and_its_subject()
    {
        await using (var db = await DatabaseAsync())
        {
            db.AlertRules.Add(new AlertRule { Name = "prod stopped", Condition = AlertCondition.InstanceState, State = "stopped", Tag = "env=prod" });
            db.MaintenanceWindows.Add(new MaintenanceWindow { Name = "patch night", StartsAt = DateTime.UtcNow.AddDays(1), EndsAt = DateTime.UtcNow.AddDays(1).AddHours(2), InstanceTag = "env=dev" });
            await db.SaveChangesAsync();
        }
        var page = RenderPage<BlazorAwsConsole.Alerts.Pages.AlertsPage>();

        page.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Rules")).Click();
        page.WaitForAssertion(() => IconButtonNames(page).Should().Equal("Edit rule prod stopped", "Delete rule prod stopped"));

        page.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Maintenance")).Click();
        page.WaitForAssertion(() => IconButtonNames(page).Should().Equal("Delete maintenance window patch night"));
    }

    [Fact]
    public void The_fleet_grid_names_each_row_menu_after_its_instance()
    {
        var grid = Render<InstanceGrid>(p => p.Add(g => g.Instances, [Instance("i-0000000000000000a", "web-1"), Instance("i-0000000000000000b", "")]).Add(g => g.Height, "800px"));

        // The column headers' sort and options buttons are MudBlazor's, named by it; all must be named.
        IconButtonNames(grid).Where(n => n.StartsWith("Actions")).Should().Equal("Actions for instance web-1", "Actions for instance i-0000000000000000b");
    }

    [Fact]
    public void The_copy_button_of_a_connect_command_names_its_jump_server()
    {
        var command = Render<ConnectCommand>(p => p.Add(c => c.Instance, Instance("i-0000000000000000c", "bastion-1")));

        IconButtonNames(command).Should().Equal("Copy the connect command of bastion-1");
    }
}
