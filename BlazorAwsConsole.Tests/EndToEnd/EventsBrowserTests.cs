using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Events;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>
/// EC2 events through SQS in real headless Chromium: a console whose fleet poll is far longer than the
/// test, a queue made by the Regions tab's own commands on moto, and events put with EventBridge PutEvents.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EventsBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Region = "us-east-1";
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;
    private MotoEventBridge _events = null!;
    private string _queueUrl = "", _web = "";

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _queueUrl = await EventQueueSetup.CreateAsync(_moto, Region);
        _events = new MotoEventBridge(_moto.Endpoint, Region);
        _web = await Ec2Fleet.LaunchAsync(_moto.Ec2(Region), "e2e-events-web");
        // The scheduled poll runs once at start-up, then not again for an hour.
        _console = await ConsoleHost.StartAsync(_moto, "Fleet:PollOnSchedule=true", "Fleet:PollIntervalSeconds=3600", "Fleet:EventWaitSeconds=2");
        await Poll.UntilAsync(() => _console.Get<FleetSnapshot>().Find(_web) is not null, TimeSpan.FromSeconds(30), () => "the snapshot lacks the web instance", everyMs: 100);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        _events.Dispose();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task The_regions_tab_saves_a_queue_url_checked_with_SQS_and_a_stop_behind_the_console_shows_without_reload()
    {
        var settings = await browser.OpenAsync(_console, "/settings/aws/regions");
        await Expect(settings.GetByTestId($"region-events-{Region}")).ToContainTextAsync("poll only");
        await settings.GetByTestId($"region-events-edit-{Region}").ClickAsync();
        await Expect(settings.GetByTestId("events-commands")).ToContainTextAsync($"export AWS_REGION={Region}");
        await Expect(settings.GetByTestId("events-commands")).ToContainTextAsync("aws events put-targets");

        await settings.GetByTestId("events-queue-url").FillAsync($"{_moto.Endpoint}/123456789012/no-such-queue");
        await settings.GetByTestId("events-save").ClickAsync();
        await Expect(settings.GetByTestId("events-editor")).ToContainTextAsync("GetQueueAttributes failed");

        await settings.GetByTestId("events-queue-url").FillAsync(_queueUrl);
        await settings.GetByTestId("events-save").ClickAsync();
        await Expect(settings.GetByTestId($"region-events-{Region}")).ToContainTextAsync("from queue");

        var first = await browser.OpenAsync(_console, "/fleet");
        var second = await browser.OpenAsync(_console, "/fleet");
        await Expect(first.GetByTestId($"state-{_web}")).ToHaveTextAsync("running");
        await Expect(second.GetByTestId($"state-{_web}")).ToHaveTextAsync("running");

        await Ec2Fleet.StopAsync(_moto.Ec2(Region), _web);
        await _events.PutStateChangeAsync(_web, "stopped");

        await Expect(first.GetByTestId($"state-{_web}")).ToHaveTextAsync("stopped");
        await Expect(second.GetByTestId($"state-{_web}")).ToHaveTextAsync("stopped");
        await Expect(settings.GetByTestId($"region-events-{Region}")).ToContainTextAsync("last event");
    }

    [Fact]
    public async Task Poison_messages_leave_the_page_as_it_was_and_the_next_good_event_still_arrives()
    {
        (await _console.Http.PutAsync($"/api/settings/regions/{Region}",
            System.Net.Http.Json.JsonContent.Create(new { eventQueueUrl = _queueUrl }))).EnsureSuccessStatusCode();
        var page = await browser.OpenAsync(_console, $"/instances/{_web}");
        await Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("running");
        using var sqs = _moto.Sqs(Region);

        await sqs.SendMessageAsync(_queueUrl, "not JSON at all");
        await _events.PutStateChangeAsync("i-0123456789abcdef0", "stopped");
        await Poll.UntilAsync(() => _console.Get<EventQueueBoard>().For(Region)?.MessagesRejected >= 2, TimeSpan.FromSeconds(30),
            () => $"{_console.Get<EventQueueBoard>().For(Region)?.MessagesRejected} message(s) rejected", everyMs: 100);
        await Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("running");

        await Ec2Fleet.StopAsync(_moto.Ec2(Region), _web);
        await _events.PutStateChangeAsync(_web, "stopped");

        await Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("stopped");
        await Expect(page.Locator("tr.change-row[data-kind=state]")).ToContainTextAsync("event");
    }
}
