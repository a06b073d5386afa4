using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>Settings > Cluster in real Chromium: reached by keyboard from the settings navigation, its check-in refreshing without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ClusterPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Cluster:NodeName=wall-node", "Cluster:CheckInSeconds=1");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task The_cluster_page_is_reached_by_keyboard_and_shows_this_nodes_check_ins_live()
    {
        var page = await browser.OpenAsync(_console, "/");
        await page.GetByTestId("nav-cluster").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/cluster$"));

        var node = page.GetByTestId("cluster-node");
        await Expect(node).ToHaveCountAsync(1);
        await Expect(node).ToContainTextAsync("wall-node");
        await Expect(node).ToContainTextAsync("this node");
        await Expect(page.GetByTestId("cluster-provider")).ToHaveTextAsync("Sqlite");
        await Expect(node.GetByTestId("cluster-node-state")).ToHaveTextAsync("checking in");
        await Expect(node).Not.ToHaveAttributeAsync("data-last-check-in", "");
        var seen = await node.GetAttributeAsync("data-last-check-in");

        // The next check-in (a second later) reaches the open page on its own.
        await Expect(node).Not.ToHaveAttributeAsync("data-last-check-in", seen!, new() { Timeout = 20_000 });
        await Axe.AssertNoViolationsAsync(page, "the cluster page");
    }
}
