using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.StatusPages;

/// <summary>An incident opened through the editor in headless Chromium, then read on the public page without signing in, in light and dark.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StatusPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private LoopbackTargets _targets = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false");
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
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task An_operator_opens_an_incident_in_the_editor_and_anonymous_visitors_read_it_in_light_and_dark()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "api", type = "http", target = _targets.HttpUrl("/"), enabled = false });
        (await _console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();
        var page = await CreateAsync("/api/status-pages", new
        {
            slug = "public", title = "Acme services", published = true, description = "Status of **Acme**.",
            components = new[] { new { name = "Public API", group = "Backend", testIds = new[] { test } } },
        });

        var editor = await browser.OpenAsync(_console, $"/status-pages/{page}", ConsoleRoles.Operator);
        await Expect(editor.GetByTestId("status-page-title")).ToHaveTextAsync("Acme services");
        await Expect(editor.GetByTestId("component-state-row")).ToHaveAttributeAsync("data-state", "operational");
        await editor.GetByTestId("open-incident").FocusAsync();
        await editor.Keyboard.PressAsync("Enter");
        await editor.GetByTestId("incident-title").FillAsync("API errors");
        await editor.GetByTestId("incident-message").FillAsync("Some calls **fail**; we are on it.");
        await editor.GetByRole(AriaRole.Checkbox, new() { Name = "Public API" }).CheckAsync();
        await Axe.AssertNoViolationsAsync(editor, "the incident dialog");
        await editor.GetByTestId("incident-save").FocusAsync();
        await editor.Keyboard.PressAsync("Enter");
        await Expect(editor.GetByTestId("incident")).ToHaveAttributeAsync("data-status", "investigating");
        await Axe.AssertNoViolationsAsync(editor, "the status page editor");

        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            // A fresh context: no cookie, nobody signed in.
            var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = scheme });
            _console.CloseBeforeStop(() => context.CloseAsync());
            var visitor = await context.NewPageAsync();
            var response = await visitor.GotoAsync(new Uri(_console.BaseAddress, "/status/public").ToString());
            response!.Status.Should().Be(200);
            await Expect(visitor.Locator("h1")).ToHaveTextAsync("Acme services");
            await Expect(visitor.Locator("#open-incidents")).ToContainTextAsync("API errors");
            await Expect(visitor.Locator("#open-incidents strong").Last).ToHaveTextAsync("fail");
            await Expect(visitor.Locator("[data-component=public-api] .state")).ToHaveAttributeAsync("data-state", "operational");
            (await visitor.Locator(".bar li").CountAsync()).Should().Be(90);
            await Axe.AssertNoViolationsAsync(visitor, $"the public status page ({scheme})");
            await context.CloseAsync();
        }

        // The open page refreshes itself from the JSON when the incident moves on (no circuit, a script).
        var live = await (await browser.Browser.NewContextAsync()).NewPageAsync();
        _console.CloseBeforeStop(() => live.Context.CloseAsync());
        await live.GotoAsync(new Uri(_console.BaseAddress, "/status/public").ToString());
        var incident = (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{page}/incidents")).GetProperty("items")[0].GetProperty("id").GetInt32();
        (await _console.Http.PostAsJsonAsync($"/api/status-pages/{page}/incidents/{incident}/updates", new { status = "resolved", message = "Fixed." })).EnsureSuccessStatusCode();
        await Expect(live.Locator("#open-incidents")).ToContainTextAsync("No incidents right now.", new() { Timeout = 30_000 });
    }
}
