using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.Alerts;

/// <summary>The alert's page in headless Chromium: its deliveries and escalation plan, live, accessible, acknowledged by keyboard.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private readonly TestClock _clock = new();
    private LoopbackTargets _targets = null!;
    private HookReceiver _receiver = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        _receiver = await HookReceiver.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto, builder => builder.Services.AddSingleton<TimeProvider>(_clock),
            "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=1");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _receiver.DisposeAsync();
        await _targets.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<int> CreateAsync(string path, object body)
    {
        var response = await _console.Http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task The_page_shows_the_deliveries_and_the_escalation_live_passes_axe_and_is_acknowledged_by_keyboard()
    {
        var ops = await CreateAsync("/api/alert-channels", new { name = "ops hook", kind = "Webhook", url = _receiver.Address + "/ops" });
        var lead = await CreateAsync("/api/alert-channels", new { name = "lead hook", kind = "Webhook", url = _receiver.Address + "/lead" });
        var test = await CreateAsync("/api/synthetic/tests", new { name = "shop", type = "http", target = _targets.HttpUrl("/status/500"), enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new
        {
            name = "shop down", condition = "testFailures", testId = test, consecutiveFailures = 1, channelIds = new[] { ops },
            escalation = new[] { new { afterMinutes = 10, channelIds = new[] { lead } }, new { afterMinutes = 30, channelIds = new[] { lead } } },
        });
        (await _console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();
        await _console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        var alert = (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/alerts?ruleId={rule}")).GetProperty("items")[0].GetProperty("id").GetInt64();

        var page = await browser.OpenAsync(_console, $"/alerts/{alert}", ConsoleRoles.Operator);
        await Expect(page.GetByTestId("alert-title")).ToContainTextAsync("shop down");
        await Expect(page.GetByTestId("alert-subject")).ToHaveAttributeAsync("href", $"/synthetic/{test}");
        await Expect(page.Locator("[data-testid=delivery-row][data-kind=firing][data-status=Sent]")).ToContainTextAsync("ops hook");
        await Expect(page.GetByTestId("escalation-step").First).ToContainTextAsync("due at");

        // Ten minutes on, nobody acknowledged: step 1 goes to the lead, and the open page shows it.
        _clock.Advance(TimeSpan.FromMinutes(10));
        await _console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        await Expect(page.Locator("[data-testid=delivery-row][data-kind='escalation 1'][data-status=Sent]")).ToContainTextAsync("lead hook");
        await Expect(page.GetByTestId("escalation-step").First).ToContainTextAsync("sent at");
        _receiver.Requests.Should().Contain(r => r.Path == "/lead" && r.Text.Contains($"/alerts/{alert}"));
        await Axe.AssertNoViolationsAsync(page, "the alert's page");

        await page.GetByTestId("ack-alert").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByTestId("ack-comment").FillAsync("looking");
        await page.GetByTestId("ack-confirm").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("alert-status")).ToHaveTextAsync("acknowledged");
        await Expect(page.Locator("[data-testid=escalation-step][data-state=stopped-by-acknowledge]")).ToContainTextAsync("stopped by acknowledge");
        await Expect(page.Locator("[data-testid=delivery-row][data-kind=acknowledged]")).ToHaveCountAsync(2);
    }
}
