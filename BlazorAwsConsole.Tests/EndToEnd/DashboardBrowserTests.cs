using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>The dashboard and the wall in real headless Chromium at 1920x1080, against the real console and moto.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private readonly TcpListener _target = new(IPAddress.Loopback, 0);
    private ConsoleHost _console = null!;
    private string _web = "", _api = "", _batch = "";

    public async Task InitializeAsync()
    {
        _target.Start();
        await _moto.InitializeAsync();
        _web = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-east-1"), "dash-web");
        _api = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-east-1"), "dash-api");
        // env=prod: the wall counts it as a problem when stopped (Wall:StoppedProblemTags).
        _batch = await Ec2Fleet.LaunchAsync(_moto.Ec2("eu-west-1"), "dash-batch", ("env", "prod"));
        _console = await ConsoleHost.StartAsync(_moto);
        await _console.SyncAsync();
        _console.Get<FleetSnapshot>().Count.Should().Be(3);
    }

    public async Task DisposeAsync()
    {
        _target.Stop();
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await browser.OpenAsync(_console, path);
        await page.SetViewportSizeAsync(1920, 1080);
        return page;
    }

    /// <summary>Creates a port test through the API and runs it once; answers the stored result's success.</summary>
    private async Task<(int Id, bool Success)> CreateAndRunPortTestAsync(string name, int port)
    {
        var created = await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name, type = "port", target = "127.0.0.1", port });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        // The first scheduled run may hold the test for a moment; a run-now during it answers 409.
        for (var attempt = 0; ; attempt++)
        {
            var run = await _console.Http.PostAsync($"/api/synthetic/tests/{id}/run", null);
            if (run.StatusCode == HttpStatusCode.Conflict && attempt < 20)
            {
                await Task.Delay(250);
                continue;
            }
            run.StatusCode.Should().Be(HttpStatusCode.OK, await run.Content.ReadAsStringAsync());
            return (id, (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
        }
    }

    [Fact]
    public async Task The_dashboard_shows_the_moto_fleet_and_a_stored_test_result_and_follows_a_stop_live()
    {
        var page = await OpenAsync("/");

        await Expect(page.GetByTestId("dash-total")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("dash-state-running")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("dash-region-us-east-1")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("dash-region-eu-west-1")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("dash-tests-notrun")).ToHaveTextAsync("0");

        // Pass (the port listens) or fail (a runner not merged yet): either way a result is stored and shown.
        var (_, success) = await CreateAndRunPortTestAsync("dashboard port", ((IPEndPoint)_target.LocalEndpoint).Port);

        await Expect(page.GetByTestId(success ? "dash-tests-passing" : "dash-tests-failing")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("dash-tests-notrun")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("dash-type-port")).ToContainTextAsync("1");
        await Expect(page.Locator("tr.recent-change[data-source=test]").First).ToContainTextAsync("dashboard port");
        await Expect(page.Locator("tr.recent-change[data-source=test]").First).ToContainTextAsync("apikey:");

        await Ec2Fleet.StopAsync(_moto.Ec2("us-east-1"), _web);
        await _console.SyncAsync();

        await Expect(page.GetByTestId("dash-state-stopped")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("dash-state-running")).ToHaveTextAsync("2");
        await Expect(page.Locator("tr.recent-change[data-source=instance]").First).ToContainTextAsync("dash-web");
        await Expect(page.Locator("tr.recent-change[data-source=instance]").First).ToContainTextAsync("poll");
        await Expect(page.Locator("[data-testid=panel-error]")).ToHaveCountAsync(0);

        var shot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"Dashboard screenshot: {shot}");
    }

    [Fact]
    public async Task An_operator_stops_an_instance_from_the_quick_actions_after_confirming()
    {
        var page = await browser.OpenAsync(_console, "/", BlazorAwsConsole.Access.ConsoleRoles.Operator);
        await Expect(page.GetByTestId("dash-state-running")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("quick-launch-jump")).ToHaveCountAsync(0);

        await page.Locator("input[data-testid=quick-instance-pick]").FillAsync("dash-api");
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "dash-api" }).ClickAsync();
        await page.GetByTestId("quick-stop").ClickAsync();
        await page.GetByTestId("confirm-action").ClickAsync();

        await Expect(page.GetByTestId("dash-state-stopped")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("quick-instance-state")).ToHaveTextAsync("stopped");
        // The action, with who asked for it, is in the change log beside the changes it caused.
        await Expect(page.Locator("tr.recent-change", new() { HasText = "stop requested" })).ToContainTextAsync("operator-");
        (await Ec2Fleet.StateAsync(_moto.Ec2("us-east-1"), _api)).Should().Be("stopped");
    }

    [Fact]
    public async Task The_wall_fits_one_1920x1080_screen_with_the_problems_first()
    {
        // Problems to show: a test against a port nobody listens on, and a stopped instance.
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var (_, success) = await CreateAndRunPortTestAsync("closed port", closedPort);
        success.Should().BeFalse("nothing listens on port {0}", closedPort);
        await Ec2Fleet.StopAsync(_moto.Ec2("eu-west-1"), _batch);
        await _console.SyncAsync();

        var page = await OpenAsync("/wall");

        await Expect(page.GetByTestId("wall-total")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("wall-failing-tests-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("wall-stopped-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("wall-failing-test")).ToContainTextAsync("closed port");
        (await page.Locator(".wall-tile").First.GetAttributeAsync("data-testid")).Should().Be("wall-failing-tests");
        (await page.Locator(".mud-appbar, .mud-drawer").CountAsync()).Should().Be(0, "the wall has no chrome");

        var height = await page.EvaluateAsync<int>("document.scrollingElement.scrollHeight");
        var width = await page.EvaluateAsync<int>("document.scrollingElement.scrollWidth");
        height.Should().BeLessThanOrEqualTo(1080);
        width.Should().BeLessThanOrEqualTo(1920);

        // Live, without a reload: the instance starts again and the tile clears.
        await _console.Http.PostAsJsonAsync($"/api/instances/{_batch}/action", new { action = "start" });
        await Expect(page.GetByTestId("wall-stopped-count")).ToHaveTextAsync("0");

        var shot = Path.Combine(AppContext.BaseDirectory, "TestResults", "wall.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
        new FileInfo(shot).Length.Should().BeGreaterThan(0);
        output.WriteLine($"Wall screenshot: {shot} (page {width}x{height})");
        Console.WriteLine($"Wall screenshot: {shot}");
    }
}
