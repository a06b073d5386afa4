using System.Diagnostics;
using System.Net.Http.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>
/// Two consoles on one PostgreSQL database, a browser on node B: an instance stopped through node A's API turns
/// "stopped" on B's open Fleet page without a reload (A's NOTIFY, B's re-read, B's LiveFeed, B's circuit), and a
/// notification channel added and test-sent through A appears, then shows failing, on B's open channels page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClusterLiveBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private readonly PostgresServer _postgres = new();

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        await _postgres.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task An_instance_stopped_through_node_a_shows_stopped_in_a_browser_on_node_b_without_a_reload()
    {
        var instance = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-east-1"), "two-node-web");
        await using var shared = await _postgres.CreateAsync();
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=live-{Guid.NewGuid():n}"];
        await using var nodeA = await ConsoleHost.StartAsync(_moto, _postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(_moto, _postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        await nodeA.SyncAsync();

        var page = await browser.OpenAsync(nodeB, "/fleet");
        await Expect(page.GetByTestId($"state-{instance}")).ToHaveTextAsync("running", new() { Timeout = 20_000 });

        var clock = Stopwatch.StartNew();
        (await nodeA.Http.PostAsJsonAsync($"/api/instances/{instance}/action", new { action = "stop" })).EnsureSuccessStatusCode();
        var answered = clock.Elapsed;
        await Expect(page.GetByTestId($"state-{instance}")).ToHaveTextAsync("stopped", new() { Timeout = 20_000 });
        output.WriteLine($"stop through node A answered in {answered.TotalMilliseconds:0} ms; node B's page showed stopped {(clock.Elapsed - answered).TotalMilliseconds:0} ms after that");
        nodeB.Get<FleetSnapshot>().Find(instance)!.State.Should().Be("stopped");
    }

    [Fact]
    public async Task A_channel_added_and_failing_through_node_a_shows_on_node_bs_open_channels_page_without_a_reload()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Respond = _ => 500;
        await using var shared = await _postgres.CreateAsync();
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=live-{Guid.NewGuid():n}", "Alerts:Delivery:FailingAfter=1"];
        await using var nodeA = await ConsoleHost.StartAsync(_moto, _postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(_moto, _postgres, [.. cluster, "Cluster:NodeName=node-b"]);

        var page = await browser.OpenAsync(nodeB, "/settings/channels");
        await Expect(page.GetByTestId("channels-empty")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        var clock = Stopwatch.StartNew();
        using var added = await nodeA.Http.PostAsJsonAsync("/api/alert-channels", new { name = "hook-from-a", kind = "webhook", url = receiver.Address });
        added.IsSuccessStatusCode.Should().BeTrue(await added.Content.ReadAsStringAsync());
        var id = (await added.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt32();
        var answered = clock.Elapsed;
        await Expect(page.GetByTestId($"channel-row-{id}")).ToContainTextAsync("hook-from-a", new() { Timeout = 20_000 });
        output.WriteLine($"channel added through node A answered in {answered.TotalMilliseconds:0} ms; node B's page listed it {(clock.Elapsed - answered).TotalMilliseconds:0} ms after that");

        // A test send through A fails (the receiver answers 500): B's page shows the channel failing.
        (await nodeA.Http.PostAsync($"/api/alert-channels/{id}/test", null)).EnsureSuccessStatusCode();
        await Expect(page.GetByTestId($"channel-failing-{id}")).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }
}
