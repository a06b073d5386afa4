using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.JumpServers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd.Accessibility;

/// <summary>
/// One console for a whole accessibility test class, holding something on every page: running and
/// stopped instances, a failing and a passing test with results, a firing alert, a rule, a template,
/// a notification channel, a maintenance window. Started once per class, not per test.
/// </summary>
public sealed class A11yConsole : IAsyncLifetime
{
    public const string TemplateName = "a11y-bastion";
    public const string FailingTest = "moto API answers";
    private readonly MotoFixture _moto = new();
    private LoopbackTargets _targets = null!;
    private readonly Dictionary<string, IPage> _pages = [];

    public ConsoleHost Console { get; private set; } = null!;
    public MotoFixture Moto => _moto;
    public string Web { get; private set; } = "";
    public string Stopped { get; private set; } = "";
    public int FailingTestId { get; private set; }

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        Web = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-east-1"), "a11y-web", ("env", "prod"));
        Stopped = await Ec2Fleet.LaunchAsync(_moto.Ec2("eu-west-1"), "a11y-batch", ("env", "dev"));
        await Ec2Fleet.LaunchAsync(_moto.Ec2("us-west-2"), "a11y-api", ("env", "staging"));
        await Ec2Fleet.StopAsync(_moto.Ec2("eu-west-1"), Stopped);
        Console = await ConsoleHost.StartAsync(_moto, "Alerts:EvaluateSeconds=1", "Probes:RunOnSchedule=false");
        await Console.SyncAsync();

        await CreateAsync("/api/probe-locations", new { name = "eu-west-1 VPC", region = "eu-west-1" });
        // Two locations, so the test's page shows its per-location table (the VPC has no agent: its row reads unknown).
        FailingTestId = await CreateAsync("/api/synthetic/tests", new { name = FailingTest, type = "port", target = "127.0.0.1", port = _targets.ClosedPort,
            tags = new Dictionary<string, string> { ["env"] = "prod" }, locations = new[] { "console", "eu-west-1 VPC" } });
        var passing = await CreateAsync("/api/synthetic/tests", new { name = "web answers", type = "http", target = _targets.HttpUrl("/status/200") });
        await CreateAsync("/api/alert-rules", new { name = "moto API down", condition = "testFailures", testId = FailingTestId, consecutiveFailures = 1, severity = "critical" });
        await CreateAsync("/api/alert-rules", new { name = "prod stopped", condition = "instanceState", tag = "env=prod", state = "stopped", severity = "warning" });
        await CreateAsync("/api/maintenance-windows", new { name = "patch night", startsAt = DateTimeOffset.UtcNow.AddDays(1), endsAt = DateTimeOffset.UtcNow.AddDays(1).AddHours(2), instanceTag = "env=dev" });
        await CreateAsync("/api/alert-channels", new { name = "noc hook", kind = "Webhook", enabled = true, url = "http://127.0.0.1:9/hook" });
        await Templates.CreateAsync(Console, await Templates.ValidAsync(_moto, "us-east-1", TemplateName));
        await RunAsync(FailingTestId);
        await RunAsync(passing);
        await Poll.UntilAsync(async () => (await Console.Http.GetFromJsonAsync<JsonElement>("/api/alerts?status=open")).GetProperty("total").GetInt32() > 0,
            TimeSpan.FromSeconds(60), () => "the console opened no alert", everyMs: 200);
    }

    /// <summary>A browser page signed in as Admin, one per theme, kept for the class (signing in per check would dominate its time).</summary>
    public async Task<IPage> PageAsync(BrowserFixture browser, string theme)
    {
        if (!_pages.TryGetValue(theme, out var page))
        {
            page = await browser.OpenAsync(Console, "/");
            _pages[theme] = page;
        }
        return page;
    }

    /// <summary>Loads the path afresh (a new circuit) and switches to the theme; the dark theme is the default.</summary>
    public static async Task GoAsync(IPage page, Uri baseAddress, string path, string theme)
    {
        await page.GotoAsync(new Uri(baseAddress, path).ToString());
        try
        {
            await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }
        catch (TimeoutException)
        {
            // Once, on a fresh CI machine under the whole suite's load, a page's circuit never went live in 30 s (the same
            // page in the other theme, a moment later, in 3 s): load it once more before judging the page. What axe checks
            // is the page, not how soon a loaded machine connects its circuit.
            await page.ReloadAsync();
            await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }
        if (theme == "light" && path != "/wall")
        {
            // By keyboard, then focus leaves: a click would leave its tooltip open over the page.
            await page.GetByTestId("theme-toggle").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            // The toggle names what it would do next: now back to dark.
            await Expect(page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to the dark theme");
            await page.EvaluateAsync("() => document.activeElement?.blur()");
            await Expect(page.Locator(".mud-tooltip.mud-popover-open")).ToHaveCountAsync(0);
        }
    }

    private async Task<int> CreateAsync(string path, object body)
    {
        var response = await Console.Http.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private async Task RunAsync(int test)
    {
        var run = await Console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null);
        run.StatusCode.Should().Be(HttpStatusCode.OK, await run.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        foreach (var page in _pages.Values) await page.Context.CloseAsync();
        await Console.DisposeAsync();
        await _targets.DisposeAsync();
        await _moto.DisposeAsync();
    }
}
