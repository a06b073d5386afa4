using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>The Fleet page in real headless Chromium against the real console and moto.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FleetPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const int PollSeconds = 3;
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;
    private string _web = "", _api = "", _batch = "";

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _web = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-east-1"), "e2e-web", ("env", "prod"));
        _api = await Ec2Fleet.LaunchAsync(_moto.Ec2("eu-west-1"), "e2e-api", ("env", "staging"));
        _batch = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-west-2"), "e2e-batch", ("env", "dev"));
        _console = await ConsoleHost.StartAsync(_moto, "Fleet:PollOnSchedule=true", $"Fleet:PollIntervalSeconds={PollSeconds}");
        await Poll.UntilAsync(() => _console.Get<FleetSnapshot>().Count >= 3, TimeSpan.FromSeconds(30), () => $"the snapshot has {_console.Get<FleetSnapshot>().Count} instance(s)", everyMs: 100);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task Stopping_an_instance_with_its_confirmation_shows_the_new_state_live_in_every_open_browser()
    {
        var first = await browser.OpenAsync(_console, "/fleet");
        var second = await browser.OpenAsync(_console, "/fleet");
        await Expect(first.GetByTestId($"state-{_web}")).ToHaveTextAsync("running");
        await Expect(second.GetByTestId($"state-{_web}")).ToHaveTextAsync("running");
        await Expect(first.GetByTestId("count-total")).ToHaveTextAsync("3");

        await first.GetByTestId($"actions-{_web}").ClickAsync();
        await first.GetByTestId("action-stop").ClickAsync();
        await Expect(first.GetByTestId("confirm-dialog")).ToBeVisibleAsync();
        await first.GetByTestId("confirm-action").ClickAsync();

        await Expect(first.GetByTestId($"state-{_web}")).ToHaveTextAsync("stopped");
        await Expect(second.GetByTestId($"state-{_web}")).ToHaveTextAsync("stopped");
        await Expect(first.Locator(".mud-snackbar")).ToContainTextAsync("Stop sent to e2e-web");
        (await Ec2Fleet.StateAsync(_moto.Ec2("us-east-1"), _web)).Should().Be("stopped");
    }

    [Fact]
    public async Task Several_selected_instances_are_stopped_and_started_together()
    {
        var page = await browser.OpenAsync(_console, "/fleet");
        foreach (var id in new[] { _web, _api })
        {
            await page.Locator("tr.instance-row", new() { Has = page.GetByTestId($"name-{id}") })
                .Locator("input[type=checkbox]").CheckAsync();
        }

        await page.GetByTestId("stop-selected").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("e2e-web");
        await page.GetByTestId("confirm-action").ClickAsync();

        await Expect(page.GetByTestId($"state-{_web}")).ToHaveTextAsync("stopped");
        await Expect(page.GetByTestId($"state-{_api}")).ToHaveTextAsync("stopped");
        await Expect(page.GetByTestId($"state-{_batch}")).ToHaveTextAsync("running");

        await page.GetByTestId("start-selected").ClickAsync();

        await Expect(page.GetByTestId($"state-{_web}")).ToHaveTextAsync("running");
        await Expect(page.GetByTestId($"state-{_api}")).ToHaveTextAsync("running");
        (await Ec2Fleet.StateAsync(_moto.Ec2("eu-west-1"), _api)).Should().Be("running");
    }

    [Fact]
    public async Task A_change_made_behind_the_console_appears_after_the_next_polls_without_reload()
    {
        var page = await browser.OpenAsync(_console, "/fleet");
        await Expect(page.GetByTestId($"state-{_api}")).ToHaveTextAsync("running");

        await Ec2Fleet.StopAsync(_moto.Ec2("eu-west-1"), _api);

        // A few poll intervals, not one plus a second: each poll now also reads DescribeInstanceStatus, and on a loaded
        // 2-core machine one poll over moto can outlast the interval (tests don't assert timings).
        await Expect(page.GetByTestId($"state-{_api}"))
            .ToHaveTextAsync("stopped", new() { Timeout = (PollSeconds * 4 + 5) * 1000 });
    }

    [Fact]
    public async Task The_filter_box_finds_an_instance_by_tag_and_terminate_needs_its_id_typed()
    {
        var page = await browser.OpenAsync(_console, "/fleet");
        await page.GetByTestId("fleet-filter").FillAsync("dev");
        await Expect(page.Locator("tr.instance-row")).ToHaveCountAsync(1);
        await page.GetByTestId($"name-{_batch}").ClickAsync();
        await Expect(page.GetByTestId("instance-title")).ToHaveTextAsync("e2e-batch");

        await page.GetByTestId("detail-terminate").ClickAsync();
        await Expect(page.GetByTestId("confirm-action")).ToBeDisabledAsync();
        await page.GetByTestId("confirm-text").FillAsync("wrong-name");
        await Expect(page.GetByTestId("confirm-action")).ToBeDisabledAsync();
        await page.GetByTestId("confirm-text").FillAsync(_batch);
        await page.GetByTestId("confirm-action").ClickAsync();

        await Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("terminated");
        await Expect(page.Locator("tr.change-row[data-kind=action]")).ToContainTextAsync("terminate");
        (await Ec2Fleet.StateAsync(_moto.Ec2("us-west-2"), _batch)).Should().Be("terminated");
    }

    [Fact]
    public async Task Closing_pages_releases_their_live_feed_subscriptions()
    {
        var feed = _console.Get<LiveFeed>();
        var before = feed.SubscriberCount;
        var pages = new List<IPage>();
        foreach (var path in new[] { "/fleet", "/changes", $"/instances/{_web}" })
        {
            pages.Add(await browser.OpenAsync(_console, path));
        }
        await Poll.UntilAsync(() => feed.SubscriberCount >= before + 3, TimeSpan.FromSeconds(10), () => $"{feed.SubscriberCount - before} new subscriber(s)", everyMs: 100);

        // Leaving the page ends its circuit (Blazor sends a disconnect as the page unloads).
        foreach (var page in pages)
        {
            await page.GotoAsync("about:blank");
            await page.Context.CloseAsync();
        }

        await Poll.UntilAsync(() => feed.SubscriberCount == before, TimeSpan.FromSeconds(20), () => $"{feed.SubscriberCount - before} subscriber(s) left behind", everyMs: 100);
    }
}
