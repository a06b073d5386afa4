using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;

namespace BlazorAwsConsole.Tests.Observability;

/// <summary>The Scalar page renders the console's API in headless Chromium under the console's Content-Security-Policy.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScalarBrowserTests(BrowserFixture browser, MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task A_signed_in_viewer_browses_the_API_reference_without_CSP_violations()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var page = await browser.OpenAsync(console, "/fleet", ConsoleRoles.Viewer);
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") problems.Add(message.Text); };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync(new Uri(console.BaseAddress, "/scalar").ToString());

        await page.GetByText("BlazorAwsConsole API").First.WaitForAsync(new() { Timeout = 30_000 });
        // The page is interactive: opening the Fleet tag in the sidebar lists its operations by their summaries.
        await page.GetByText("Fleet", new() { Exact = true }).First.ClickAsync();
        await page.GetByText("Instances of every watched region, filtered and paged").First.WaitForAsync(new() { Timeout = 30_000 });
        problems.Should().NotContain(p => p.Contains("Content Security Policy") || p.Contains("Refused"), "the page's scripts run under the console's CSP");
        (await page.GotoAsync(new Uri(console.BaseAddress, "/scalar").ToString()))!.Headers["content-security-policy"]
            .Should().Contain("'nonce-").And.Contain("frame-ancestors 'none'");
    }

    [Fact]
    public async Task A_stranger_is_sent_to_sign_in()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(console.BaseAddress, "/scalar").ToString());

        page.Url.Should().Contain("/account/login");
        await context.CloseAsync();
    }
}
