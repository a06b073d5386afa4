using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Probes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>The test page's CSV download in real Chromium: reached by keyboard, it downloads the shown range's results.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResultsCsvBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task The_download_button_is_reached_by_keyboard_and_downloads_the_shown_ranges_results()
    {
        var id = await ResultsCsvExportTests.CreateTestAsync(_console, "exported");
        var now = DateTime.UtcNow;
        await ResultsCsvExportTests.StoreAsync(_console,
            ResultsCsvExportTests.Result(id, now.AddHours(-5), true, "five hours ago"),
            ResultsCsvExportTests.Result(id, now.AddMinutes(-30), false, "half an hour ago, \"refused\""),
            ResultsCsvExportTests.Result(id, now.AddMinutes(-5), true, "just now"));
        var page = await browser.OpenAsync(_console, $"/synthetic/{id}");
        await Expect(page.GetByTestId("test-title")).ToHaveTextAsync("exported");

        var button = page.GetByTestId("export-csv");
        await Expect(button).ToHaveAccessibleNameAsync("Download 1h as CSV");
        await button.FocusAsync();
        var lastHour = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));

        lastHour.SuggestedFilename.Should().StartWith($"probe-results-test-{id}-").And.EndWith(".csv");
        var rows = CsvReader.Records(await File.ReadAllTextAsync((await lastHour.PathAsync())!));
        rows.Select(r => r["reason"]).Should().Equal("half an hour ago, \"refused\"", "just now");

        await page.GetByTestId("range").GetByText("24h").ClickAsync();
        await Expect(button).ToHaveAccessibleNameAsync("Download 24h as CSV");
        var lastDay = await page.RunAndWaitForDownloadAsync(() => button.ClickAsync());
        CsvReader.Records(await File.ReadAllTextAsync((await lastDay.PathAsync())!)).Should().HaveCount(3);
        await Axe.AssertNoViolationsAsync(page, "the test page with its download button");
    }
}
