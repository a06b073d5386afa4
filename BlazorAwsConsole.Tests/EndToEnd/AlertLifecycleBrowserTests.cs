using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>
/// The NOC's day in real headless Chromium at 1920×1080: a probe target goes down, the failing test
/// and its alert appear on the dashboard without a reload, someone acknowledges it, the target
/// comes back and the alert resolves by itself.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertLifecycleBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private LoopbackTargets _targets = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Alerts:EvaluateSeconds=1");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _targets.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<int> CreateAsync(string path, object body)
    {
        var response = await _console.Http.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task A_target_going_down_raises_an_alert_live_that_is_acknowledged_and_resolves_when_it_comes_back()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "shop front", type = "http", target = _targets.HttpUrl("/status/200"), frequencySeconds = 10, timeoutSeconds = 3 });
        await CreateAsync("/api/alert-rules", new { name = "shop down", condition = "testFailures", testId = test, consecutiveFailures = 1, severity = "critical" });

        var dashboard = await browser.OpenAsync(_console, "/");
        await dashboard.SetViewportSizeAsync(1920, 1080);
        await Expect(dashboard.GetByTestId("dash-tests-passing")).ToHaveTextAsync("1", new() { Timeout = 20_000 });
        await Expect(dashboard.GetByTestId("alerts-none")).ToBeVisibleAsync();

        await _targets.StopHttpAsync();
        // The next scheduled run (within 10 s) fails; the test and the alert appear without a reload.
        await Expect(dashboard.GetByTestId("dash-tests-failing")).ToHaveTextAsync("1", new() { Timeout = 20_000 });
        await Expect(dashboard.GetByTestId("dash-failing-test")).ToContainTextAsync("shop front");
        await Expect(dashboard.GetByTestId("dash-alerts-critical")).ToContainTextAsync("1", new() { Timeout = 10_000 });
        await Expect(dashboard.GetByTestId("dash-alert")).ToContainTextAsync("shop down");

        var alerts = await browser.OpenAsync(_console, "/alerts");
        var row = alerts.GetByTestId("alert-row").Filter(new() { HasText = "shop down" });
        await Expect(row).ToHaveAttributeAsync("data-status", "firing");
        await row.GetByTestId("ack-alert").ClickAsync();
        await alerts.GetByTestId("ack-comment").FillAsync("restarting the web server");
        await alerts.GetByTestId("ack-confirm").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-status", "acknowledged");
        await Expect(row).ToContainTextAsync("restarting the web server");
        await Expect(dashboard.GetByTestId("dash-alert")).ToContainTextAsync("ack by");

        await _targets.StartHttpAsync();
        // The next run passes and the alert resolves by itself, on both pages, without a reload.
        await Expect(dashboard.GetByTestId("alerts-none")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(dashboard.GetByTestId("dash-tests-failing")).ToHaveTextAsync("0");
        await Expect(alerts.GetByTestId("no-alerts")).ToBeVisibleAsync(new() { Timeout = 5_000 });

        var resolved = await _console.Http.GetFromJsonAsync<JsonElement>("/api/alerts?status=resolved");
        var alert = resolved.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("ruleName").GetString() == "shop down");
        alert.GetProperty("acknowledgedBy").GetString().Should().NotBeNullOrEmpty();
        alert.GetProperty("resolvedAt").GetDateTime().Should().BeAfter(alert.GetProperty("acknowledgedAt").GetDateTime());
    }
}
