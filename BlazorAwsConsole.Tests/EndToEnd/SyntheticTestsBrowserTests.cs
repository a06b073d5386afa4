using System.Net.Http.Json;
using System.Text.Json;
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

    [Fact]
    public async Task A_tests_locations_and_failWhen_are_chosen_in_the_dialog_and_its_page_shows_a_row_per_location()
    {
        (await _console.Http.PostAsJsonAsync("/api/probe-locations", new { name = "vpc-a" })).EnsureSuccessStatusCode();
        var page = await browser.OpenAsync(_console, "/synthetic");
        await page.GetByTestId("new-test").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("test-name").FillAsync("from two places");
        await page.GetByTestId("test-target").FillAsync(_targets.HttpUrl("/status/200"));

        await page.GetByTestId("test-locations").Locator(".mud-input-control").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "console", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "vpc-a", Exact = true }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.GetByTestId("test-fail-when").Locator(".mud-input-control").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "at least k fail" }).ClickAsync();
        await page.GetByTestId("test-fail-when-k").FillAsync("3");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).ToContainTextAsync("between 1 and the number of locations (2)");

        await page.GetByTestId("test-fail-when-k").FillAsync("2");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).Not.ToBeVisibleAsync();

        var tests = await _console.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests");
        var test = tests.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "from two places");
        test.GetProperty("locations").EnumerateArray().Select(l => l.GetString()).Should().Equal("console", "vpc-a");
        test.GetProperty("failWhen").GetProperty("atLeast").GetInt32().Should().Be(2);

        await page.GotoAsync(new Uri(_console.BaseAddress, $"/synthetic/{test.GetProperty("id").GetInt32()}").ToString());
        await Expect(page.GetByTestId("location-row")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=location-row][data-location=vpc-a]")).ToContainTextAsync("never");
        await Expect(page.GetByTestId("test-verdict")).ToContainTextAsync("at least 2 of 2 locations");
        await Axe.AssertNoViolationsAsync(page, "a test's page with its per-location table");
    }
}
