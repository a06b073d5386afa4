using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd.Accessibility;

/// <summary>
/// The NOC's flows by keyboard alone (Tab, Shift+Tab, Enter, Space, Escape and typing; never a click)
/// in real headless Chromium: sign in, filter the fleet, stop an instance through its confirmation,
/// create a test with a field error and fix it, acknowledge an alert. Focus is visible, dialogs keep
/// it inside and give it back on close, Escape closes them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardBrowserTests(BrowserFixture browser, A11yConsole console) : IClassFixture<A11yConsole>
{
    private const int MaxTabs = 80;

    /// <summary>Signs in by keyboard only and answers the page, live.</summary>
    private async Task<IPage> SignInAsync(string path)
    {
        var name = $"kbd-{Guid.NewGuid():n}"[..16];
        var password = await console.Console.AddUserAsync(name, ConsoleRoles.Admin);
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        console.Console.CloseBeforeStop(() => context.CloseAsync());
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(console.Console.BaseAddress, path).ToString());
        // The user name field has focus when the sign-in page opens.
        await Expect(page.GetByTestId("signin-user")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(name);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("signin-password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(password);
        await page.Keyboard.PressAsync("Enter");
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync(name);
        return page;
    }

    /// <summary>Presses Tab (or Shift+Tab) until the element has focus; fails when it is never reached.</summary>
    private static async Task TabToAsync(IPage page, ILocator target, bool backwards = false)
    {
        await target.WaitForAsync();
        for (var i = 0; i < MaxTabs; i++)
        {
            if (await HasFocusAsync(target)) return;
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }
        (await HasFocusAsync(target)).Should().BeTrue($"Tab should reach {target} within {MaxTabs} presses");
    }

    /// <summary>
    /// Focus is (or comes back within a few seconds) inside the element. Focus moves into a dialog after
    /// it renders, and at its edge lands on MudBlazor's trap sentinel, which sends it back in: poll for it.
    /// </summary>
    private static async Task ExpectFocusInsideAsync(ILocator container, string when)
    {
        var outside = await container.EvaluateAsync<string>("e => new Promise(resolve => { const end = Date.now() + 10000; " +
            "(function check() { if (e.contains(document.activeElement)) resolve(''); " +
            "else if (Date.now() > end) resolve(document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'nothing'); " +
            "else setTimeout(check, 50); })(); })");
        outside.Should().BeEmpty($"focus must be inside the dialog {when}");
    }

    private static Task<bool> HasFocusAsync(ILocator target) =>
        target.EvaluateAsync<bool>("e => e === document.activeElement || e.contains(document.activeElement)");

    /// <summary>The focused element shows a focus ring (an outline or a box shadow), so a keyboard user sees where they are.</summary>
    private static async Task ExpectVisibleFocusAsync(IPage page)
    {
        var ring = await page.EvaluateAsync<string>(
            "() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? 'outline' : (s.boxShadow !== 'none' ? 'shadow' : 'none'); }");
        ring.Should().NotBe("none", "the focused element must show where focus is");
    }

    [Fact]
    public async Task Signing_in_and_filtering_the_fleet_by_keyboard()
    {
        var page = await SignInAsync("/fleet");
        await Expect(page.GetByTestId("shown-count")).ToContainTextAsync("3 of 3");

        await TabToAsync(page, page.GetByTestId("fleet-filter"));
        await ExpectVisibleFocusAsync(page);
        await page.Keyboard.TypeAsync("a11y-web");

        await Expect(page.GetByTestId("shown-count")).ToContainTextAsync("1 of 3");
        await Expect(page.GetByTestId($"name-{console.Web}")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Stopping_an_instance_through_its_confirmation_by_keyboard_from_the_grid_row()
    {
        var page = await SignInAsync("/fleet");
        await Expect(page.GetByTestId($"state-{console.Web}")).ToHaveTextAsync("running");

        // The row's actions are reachable with Tab.
        var actions = page.GetByTestId($"actions-{console.Web}");
        await TabToAsync(page, actions);
        await ExpectVisibleFocusAsync(page);
        await page.Keyboard.PressAsync("Enter");
        var stop = page.GetByTestId("action-stop");
        await Expect(stop).ToBeVisibleAsync();
        // A menu is the WAI-ARIA menu pattern: focus is on its first item, the arrows move, Enter chooses (Tab leaves it).
        // The menu's script moves focus a moment after it shows (seconds when the machine is loaded, and a press
        // before that is lost): wait for focus to be in the menu, then let each arrow land before the next.
        await Expect(page.Locator("[role=menuitem]:focus")).ToHaveCountAsync(1);
        for (var i = 0; i < 5 && !await HasFocusAsync(stop); i++)
        {
            var focused = await page.EvaluateAsync<string?>("() => document.activeElement?.dataset?.testid ?? null");
            await page.Keyboard.PressAsync("ArrowDown");
            await page.WaitForFunctionAsync("was => (document.activeElement?.dataset?.testid ?? null) !== was", focused);
        }
        await Expect(stop).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        var dialog = page.GetByTestId("confirm-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await ExpectFocusTrappedAsync(page, dialog);
        await TabToAsync(page, page.GetByTestId("confirm-action"));
        await page.Keyboard.PressAsync("Enter");

        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByTestId($"state-{console.Web}")).ToHaveTextAsync("stopped", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task Creating_a_test_with_a_field_error_and_fixing_it_by_keyboard()
    {
        var page = await SignInAsync("/synthetic");
        var opener = page.GetByTestId("new-test");
        await TabToAsync(page, opener);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByTestId("test-dialog");
        await Expect(dialog).ToBeVisibleAsync();

        await TabToAsync(page, page.GetByTestId("test-name"));
        await page.Keyboard.TypeAsync("keyboard made");
        // HTTP is the dialog's default type.
        await TabToAsync(page, page.GetByTestId("test-target"));
        await page.Keyboard.TypeAsync("not a url");
        await TabToAsync(page, page.GetByTestId("test-save"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToContainTextAsync("is not an absolute http:// or https:// URL");

        await TabToAsync(page, page.GetByTestId("test-target"), backwards: true);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("http://127.0.0.1:9/health");
        await TabToAsync(page, page.GetByTestId("test-save"));
        await page.Keyboard.PressAsync("Enter");

        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("test-row").Filter(new() { HasText = "keyboard made" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Acknowledging_an_alert_by_keyboard()
    {
        var page = await SignInAsync("/alerts");
        var row = page.GetByTestId("alert-row").Filter(new() { HasText = "moto API down" });
        await Expect(row).ToHaveAttributeAsync("data-status", "firing");

        await TabToAsync(page, row.GetByTestId("ack-alert"));
        await ExpectVisibleFocusAsync(page);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByTestId("ack-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await TabToAsync(page, page.GetByTestId("ack-comment"));
        await page.Keyboard.TypeAsync("looking at it");
        await TabToAsync(page, page.GetByTestId("ack-confirm"));
        await page.Keyboard.PressAsync("Enter");

        await Expect(row).ToHaveAttributeAsync("data-status", "acknowledged");
        await Expect(row).ToContainTextAsync("looking at it");
    }

    [Fact]
    public async Task Escape_closes_a_dialog_and_focus_returns_to_the_button_that_opened_it()
    {
        var page = await SignInAsync("/synthetic");
        var opener = page.GetByTestId("new-test");
        await TabToAsync(page, opener);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByTestId("test-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await ExpectFocusTrappedAsync(page, dialog);

        await page.Keyboard.PressAsync("Escape");

        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(opener).ToBeFocusedAsync();
    }

    /// <summary>Focus is inside the dialog when it opens and stays there however often Tab or Shift+Tab is pressed.</summary>
    private static async Task ExpectFocusTrappedAsync(IPage page, ILocator dialog)
    {
        // The whole dialog (title, content and actions) is the .mud-dialog around the element carrying the test id.
        var container = dialog.Locator("xpath=ancestor-or-self::div[contains(concat(' ', normalize-space(@class), ' '), ' mud-dialog ')][1]");
        await ExpectFocusInsideAsync(container, "when it opens");
        foreach (var key in new[] { "Tab", "Shift+Tab" })
        for (var i = 0; i < 25; i++)
        {
            await page.Keyboard.PressAsync(key);
            await ExpectFocusInsideAsync(container, $"after {i + 1} × {key}");
        }
    }
}
