using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>Synthetic tests in real headless Chromium: made in the UI, results arriving live, the chart drawn.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SyntheticTestsBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private LoopbackTargets _targets = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _targets.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task An_http_test_made_in_the_ui_shows_its_results_live_and_draws_its_chart()
    {
        var page = await browser.OpenAsync(_console, "/synthetic");
        await Expect(page.GetByTestId("no-tests")).ToBeVisibleAsync();

        await page.GetByTestId("new-test").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("test-name").FillAsync("web health");
        // HTTP is the dialog's default type.
        await page.GetByTestId("test-target").FillAsync("not a url");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).ToContainTextAsync("is not an absolute http:// or https:// URL");

        await page.GetByTestId("test-target").FillAsync(_targets.HttpUrl("/status/200"));
        await page.GetByTestId("test-frequency").FillAsync("10");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).Not.ToBeVisibleAsync();

        var row = page.GetByTestId("test-row").Filter(new() { HasText = "web health" });
        await Expect(row).ToBeVisibleAsync();
        // The first scheduled run comes a second after saving, and its result arrives without a reload.
        await Expect(page.GetByTestId("result-chip").First).ToHaveAttributeAsync("data-status", "pass", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("success-rate").First).ToHaveTextAsync("100 %");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("test-title")).ToHaveTextAsync("web health");
        await Expect(page.GetByTestId("http-status")).ToHaveTextAsync("200");
        await Expect(page.GetByTestId("response-chart")).ToBeVisibleAsync();
        var points = int.Parse((await page.GetByTestId("response-chart").GetAttributeAsync("data-points"))!);

        // The next run (10 s later) adds a point to the open chart and a row to the history, live.
        await Expect(page.GetByTestId("response-chart")).Not.ToHaveAttributeAsync("data-points", points.ToString(), new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("history-row")).ToHaveCountAsync(points + 1);
        // The line is drawn (a flat line has no height, so "visible" would not say it).
        await Expect(page.GetByTestId("response-chart").Locator("svg path")).Not.ToHaveCountAsync(0);
    }
}
