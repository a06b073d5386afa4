using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd.Accessibility;

/// <summary>
/// axe-core (WCAG 2.0/2.1 A and AA) over every dialog of the console while it is open, in the dark
/// and the light theme: new test, test deletion, alert rule, acknowledgement, template, launch,
/// launch instance, clone, channel, and the stop/terminate/delete confirmations.
/// </summary>
[Collection(AxeCollection.Name)]
public sealed class AxeDialogTests(BrowserFixture browser, A11yConsole console) : IClassFixture<A11yConsole>
{
    public static TheoryData<string, string> Dialogs()
    {
        var data = new TheoryData<string, string>();
        foreach (var dialog in Openers.Keys)
        foreach (var theme in new[] { "dark", "light" })
            data.Add(dialog, theme);
        return data;
    }

    /// <summary>Where each dialog lives and how it is opened (then the dialog must be on screen).</summary>
    private static readonly Dictionary<string, (string Path, Func<IPage, A11yConsole, Task> Open)> Openers = new()
    {
        ["new test"] = ("/synthetic", (p, _) => p.GetByTestId("new-test").ClickAsync()),
        ["new test from the dashboard"] = ("/", (p, _) => p.GetByTestId("quick-new-test").ClickAsync()),
        ["delete test"] = ("/synthetic", (p, _) => p.GetByTestId("delete-test").First.ClickAsync()),
        ["new alert rule"] = ("/alerts", async (p, _) =>
        {
            await p.GetByRole(AriaRole.Tab, new() { Name = "Rules" }).ClickAsync();
            await p.GetByTestId("new-rule").ClickAsync();
        }),
        ["acknowledge alert"] = ("/alerts", (p, _) => p.GetByTestId("ack-alert").First.ClickAsync()),
        ["new template"] = ("/jump-servers/templates", (p, _) => p.GetByTestId("new-template").ClickAsync()),
        ["edit template"] = ("/jump-servers/templates", (p, _) => p.GetByTestId($"edit-{A11yConsole.TemplateName}").ClickAsync()),
        ["delete template"] = ("/jump-servers/templates", (p, _) => p.GetByTestId($"delete-{A11yConsole.TemplateName}").ClickAsync()),
        ["launch jump server"] = ("/jump-servers/templates", async (p, _) =>
        {
            await p.GetByTestId($"launch-{A11yConsole.TemplateName}").ClickAsync();
            await Expect(p.GetByTestId("launch-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        }),
        ["launch instance"] = ("/fleet", (p, _) => p.GetByTestId("launch-instance").ClickAsync()),
        ["instance actions menu"] = ("/fleet", (p, c) => p.GetByTestId($"actions-{c.Web}").ClickAsync()),
        ["stop confirmation"] = ("/fleet", async (p, c) =>
        {
            await p.GetByTestId($"actions-{c.Web}").ClickAsync();
            await p.GetByTestId("action-stop").ClickAsync();
        }),
        ["terminate confirmation"] = ("/instances/{web}", (p, _) => p.GetByTestId("detail-terminate").ClickAsync()),
        ["clone instance"] = ("/instances/{web}", (p, _) => p.GetByTestId("detail-clone").ClickAsync()),
        ["notification channel"] = ("/settings/channels", (p, _) => p.GetByTestId("channel-add").ClickAsync()),
        ["remove region"] = ("/settings/aws/regions", (p, _) => p.GetByTestId("region-remove-us-west-2").ClickAsync()),
    };

    [Theory]
    [MemberData(nameof(Dialogs))]
    public async Task An_open_dialog_has_no_WCAG_2_1_AA_violation(string dialog, string theme)
    {
        var (path, open) = Openers[dialog];
        var page = await console.PageAsync(browser, theme);
        await A11yConsole.GoAsync(page, console.Console.BaseAddress, path.Replace("{web}", console.Web), theme);
        await open(page, console);
        await Expect(page.Locator(".mud-dialog, .mud-popover-open").First).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page, $"the {dialog} dialog in the {theme} theme");
    }
}
