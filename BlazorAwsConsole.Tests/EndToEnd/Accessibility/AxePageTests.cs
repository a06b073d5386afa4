using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd.Accessibility;

/// <summary>
/// axe-core with the WCAG 2.0/2.1 A and AA rules over every page of the console (every @page route),
/// signed in as an Admin, in the dark and the light theme. A violation fails with its rule id, impact
/// and the selectors of the elements at fault.
/// </summary>
[Collection(AxeCollection.Name)]
public sealed class AxePageTests(BrowserFixture browser, A11yConsole console) : IClassFixture<A11yConsole>
{
    public static TheoryData<string, string> Pages()
    {
        string[] paths =
        [
            "/", "/wall", "/fleet", "/changes", "/instances/{web}", "/instances/{stopped}", "/instances/i-0000000000missing",
            "/synthetic", "/synthetic/{test}", "/alerts", "/alerts#rules", "/alerts#maintenance",
            "/jump-servers", "/jump-servers/templates",
            "/settings/aws/credentials", "/settings/aws/regions", "/settings/aws/vault", "/settings/channels",
            "/settings/users", "/settings/api-keys", "/settings/access-log", "/settings/cluster", "/settings/probe-locations", "/not-found",
        ];
        var data = new TheoryData<string, string>();
        foreach (var path in paths)
        foreach (var theme in new[] { "dark", "light" })
        {
            if (path == "/wall" && theme == "light") continue; // the wall is dark by design: it has no toggle
            data.Add(path, theme);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_page_has_no_WCAG_2_1_AA_violation(string path, string theme)
    {
        var page = await console.PageAsync(browser, theme);
        var (url, tab) = path.Split('#') is [var u, var t] ? (u, t) : (path, null);
        url = url.Replace("{web}", console.Web).Replace("{stopped}", console.Stopped).Replace("{test}", console.FailingTestId.ToString());
        await A11yConsole.GoAsync(page, console.Console.BaseAddress, url, theme);
        if (tab is not null)
        {
            await page.GetByRole(AriaRole.Tab, new() { Name = tab, Exact = false }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Tab, new() { Name = tab, Exact = false })).ToHaveAttributeAsync("aria-selected", "true");
        }
        await Axe.AssertNoViolationsAsync(page, $"{path} in the {theme} theme");
    }

    [Theory]
    [InlineData("/account/login?error=invalid", "dark")]
    [InlineData("/account/login?error=invalid", "light")]
    [InlineData("/account/denied", "dark")]
    [InlineData("/account/denied", "light")]
    public async Task A_static_account_page_has_no_WCAG_2_1_AA_violation_in_either_colour_scheme(string path, string theme)
    {
        // The sign-in pages have no circuit, so no toggle: they follow the system's colour scheme.
        var context = await browser.Browser.NewContextAsync(new() { ColorScheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(console.Console.BaseAddress, path).ToString());
            await Expect(page.Locator(".account-card")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page, $"{path} in the {theme} scheme");
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
