using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.StatusPages;

/// <summary>One console (moto, loopback targets) for the whole class: each test uses its own slugs.</summary>
public sealed class StatusEditorConsole : IAsyncLifetime
{
    public MotoFixture Moto { get; } = new();
    public LoopbackTargets Targets { get; private set; } = null!;
    public ConsoleHost Console { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Moto.InitializeAsync();
        Targets = await LoopbackTargets.StartAsync();
        Console = await ConsoleHost.StartAsync(Moto, "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000");
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await Targets.DisposeAsync();
        await Moto.DisposeAsync();
    }

    public async Task<int> CreateAsync(string path, object body)
    {
        var response = await Console.Http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}

/// <summary>
/// A signed-in Operator in headless Chromium: the status page editor dialog (create, refuse bad fields, edit), an
/// incident's whole life through the UI as anonymous visitors see it, and an incident opened from an alert's page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StatusPageEditorBrowserTests(BrowserFixture browser, StatusEditorConsole fixture) : IClassFixture<StatusEditorConsole>
{
    private ConsoleHost Console => fixture.Console;

    private async Task<IPage> AnonymousAsync()
    {
        var context = await browser.Browser.NewContextAsync();
        Console.CloseBeforeStop(() => context.CloseAsync());
        return await context.NewPageAsync();
    }

    private string Url(string path) => new Uri(Console.BaseAddress, path).ToString();

    /// <summary>The Mud input control (label, input, helper text) around the input with this test id.</summary>
    private static ILocator Field(ILocator scope, string testId) => scope.Locator(".mud-input-control", new() { Has = scope.Page.GetByTestId(testId) });

    [Fact]
    public async Task The_editor_creates_a_page_with_grouped_components_refuses_bad_fields_on_the_field_and_edits_it()
    {
        var test = await fixture.CreateAsync("/api/synthetic/tests", new { name = "editor api", type = "http", target = fixture.Targets.HttpUrl("/"), enabled = false });
        (await Console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();
        await Ec2Fleet.LaunchManyAsync(fixture.Moto.Ec2("us-east-1"), 1, "editor-web", ("svc", "editor-web"));
        await Console.SyncAsync();
        await fixture.CreateAsync("/api/status-pages", new { slug = "taken", title = "Taken" });
        async Task<int> PagesAsync()
        {
            await using var db = await Console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
            return await db.StatusPages.CountAsync();
        }
        var before = await PagesAsync();

        var page = await browser.OpenAsync(Console, "/status-pages", ConsoleRoles.Operator);
        await page.GetByTestId("new-status-page").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("New status page");

        // Bad fields: an empty title, a slug already in use, a test id that is not a number. Each says so on its field.
        await dialog.GetByTestId("page-slug-field").FillAsync("taken");
        await dialog.GetByTestId("add-component").ClickAsync();
        await dialog.GetByTestId("component-name").FillAsync("Public API");
        await dialog.GetByTestId("component-tests").FillAsync("abc");
        await dialog.GetByTestId("page-save").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Field(dialog, "component-tests")).ToContainTextAsync("'abc' is not a test id");
        await dialog.GetByTestId("component-tests").FillAsync(test.ToString());
        await dialog.GetByTestId("page-save").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Field(dialog, "page-slug-field")).ToContainTextAsync("already");
        await Expect(Field(dialog, "page-title-field")).ToContainTextAsync("required");
        (await PagesAsync()).Should().Be(before, "a refused form saves nothing");
        await Axe.AssertNoViolationsAsync(page, "the status page editor dialog with its error messages");

        // Corrected: two components in two groups, one a synthetic test, one the instances with a tag.
        await dialog.GetByTestId("page-title-field").FillAsync("Editor services");
        await dialog.GetByTestId("page-slug-field").FillAsync("editor");
        await dialog.GetByLabel("Group (optional)").FillAsync("Backend");
        await dialog.GetByTestId("add-component").ClickAsync();
        var second = dialog.GetByTestId("component-row").Nth(1);
        await second.GetByTestId("component-name").FillAsync("Website");
        await second.GetByLabel("Group (optional)").FillAsync("Frontend");
        await second.GetByLabel("…or instances tagged key=value").FillAsync("svc=editor-web");
        await Axe.AssertNoViolationsAsync(page, "the status page editor dialog");
        await dialog.GetByTestId("page-save").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToHaveCountAsync(0);
        // Saved, the console opens the new page's detail: both components, in their groups, with their derived states.
        await Expect(page.GetByTestId("status-page-title")).ToHaveTextAsync("Editor services");
        var rows = page.GetByTestId("component-state-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("Public API");
        await Expect(rows.Nth(0)).ToContainTextAsync("Backend");
        await Expect(rows.Nth(1)).ToContainTextAsync("instances tagged svc=editor-web");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-state", "operational");
        (await PagesAsync()).Should().Be(before + 1);
        await page.GotoAsync(Url("/status-pages"));
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(page.Locator("[data-testid=status-page-row][data-slug=editor]")).ToContainTextAsync("Editor services");

        // Edit: a new title and a renamed component; the public page (private: the signed-in Operator sees it) shows both groups.
        await page.Locator("[data-testid=status-page-row][data-slug=editor]").GetByTestId("edit-status-page").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToContainTextAsync("Edit status page");
        await Expect(dialog.GetByTestId("component-row")).ToHaveCountAsync(2);
        await dialog.GetByTestId("page-title-field").FillAsync("Editor status");
        await dialog.GetByTestId("component-name").First.FillAsync("Public REST API");
        await dialog.GetByTestId("page-save").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("[data-testid=status-page-row][data-slug=editor]")).ToContainTextAsync("Editor status");

        (await page.GotoAsync(Url("/status/editor")))!.Status.Should().Be(200);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Editor status");
        await Expect(page.Locator("section[aria-labelledby=components-h] h3")).ToHaveTextAsync(["Backend", "Frontend"]);
        await Expect(page.Locator("[data-component=public-rest-api] .state")).ToHaveAttributeAsync("data-state", "operational");
        await Expect(page.Locator("[data-component=website] .state")).ToHaveAttributeAsync("data-state", "operational");
        var stored = await Console.Http.GetFromJsonAsync<JsonElement>("/api/status-pages/" + (await IdOfAsync("editor")));
        var components = stored.GetProperty("components").EnumerateArray().ToList();
        components.Select(c => c.GetProperty("name").GetString()).Should().Equal("Public REST API", "Website");
        components[0].GetProperty("testIds").EnumerateArray().Select(t => t.GetInt32()).Should().Equal(test);
        components[1].GetProperty("instanceTag").GetString().Should().Be("svc=editor-web");
    }

    private async Task<int> IdOfAsync(string slug)
    {
        await using var db = await Console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.StatusPages.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
    }

    [Fact]
    public async Task An_incident_lives_from_investigating_to_resolved_in_the_ui_and_visitors_see_each_step_then_the_history()
    {
        var test = await fixture.CreateAsync("/api/synthetic/tests", new { name = "life api", type = "http", target = fixture.Targets.HttpUrl("/"), enabled = false });
        var pageId = await fixture.CreateAsync("/api/status-pages", new
        {
            slug = "life", title = "Life", published = true,
            components = new object[] { new { name = "Payments", testIds = new[] { test } }, new { name = "Search", testIds = new[] { test } } },
        });

        var editor = await browser.OpenAsync(Console, $"/status-pages/{pageId}", ConsoleRoles.Operator);
        await Expect(editor.GetByTestId("no-incidents")).ToBeVisibleAsync();
        await editor.GetByTestId("open-incident").FocusAsync();
        await editor.Keyboard.PressAsync("Enter");
        var dialog = editor.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("incident-title").FillAsync("Card payments fail");
        await dialog.GetByTestId("incident-impact").ClickAsync();
        await editor.GetByRole(AriaRole.Option, new() { Name = "major", Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Payments" }).CheckAsync();
        await dialog.GetByTestId("incident-message").FillAsync("Card payments are refused; we are looking.");
        await dialog.GetByTestId("incident-save").FocusAsync();
        await editor.Keyboard.PressAsync("Enter");
        await Expect(editor.GetByTestId("incident")).ToHaveAttributeAsync("data-status", "investigating");

        var visitor = await AnonymousAsync();
        async Task VisitorSeesAsync(string status, string message)
        {
            (await visitor.GotoAsync(Url("/status/life")))!.Status.Should().Be(200);
            var open = visitor.Locator("#open-incidents");
            await Expect(open).ToContainTextAsync("Card payments fail");
            await Expect(open.Locator(".meta")).ToContainTextAsync($"{char.ToUpperInvariant(status[0])}{status[1..]} · impact: major · affects: Payments");
            await Expect(open.Locator(".updates li").First).ToContainTextAsync(message);
        }
        await VisitorSeesAsync("investigating", "Card payments are refused");

        foreach (var (status, message) in new[] { ("identified", "A certificate expired."), ("monitoring", "Renewed; watching."), ("resolved", "All payments pass again.") })
        {
            await editor.GetByTestId("post-update").FocusAsync();
            await editor.Keyboard.PressAsync("Enter");
            await dialog.GetByTestId("incident-status").ClickAsync();
            await editor.GetByRole(AriaRole.Option, new() { Name = status, Exact = true }).ClickAsync();
            await dialog.GetByTestId("incident-message").FillAsync(message);
            await Axe.AssertNoViolationsAsync(editor, $"the update dialog ({status})");
            await dialog.GetByTestId("incident-save").FocusAsync();
            await editor.Keyboard.PressAsync("Enter");
            await Expect(editor.GetByTestId("incident")).ToHaveAttributeAsync("data-status", status);
            if (status != "resolved") await VisitorSeesAsync(status, message);
        }

        // Resolved: no current incident, listed under the past ones with all four updates, newest first.
        (await visitor.GotoAsync(Url("/status/life")))!.Status.Should().Be(200);
        await Expect(visitor.Locator("#open-incidents")).ToContainTextAsync("No incidents right now.");
        var past = visitor.Locator("section[aria-labelledby=past-h] article.incident");
        await Expect(past).ToHaveCountAsync(1);
        await Expect(past.Locator("h3")).ToHaveTextAsync("Card payments fail");
        await Expect(past.Locator(".meta")).ToContainTextAsync("resolved");
        await Expect(past.Locator(".updates li strong")).ToHaveTextAsync(["Resolved", "Monitoring", "Identified", "Investigating"]);
        await Axe.AssertNoViolationsAsync(visitor, "the public page with a resolved incident");
    }

    [Fact]
    public async Task An_incident_is_opened_from_an_alert_in_one_click_prefilled_and_confirmed_by_the_operator()
    {
        var test = await fixture.CreateAsync("/api/synthetic/tests", new { name = "alerting api", type = "http", target = fixture.Targets.HttpUrl("/status/500"), enabled = false });
        var rule = await fixture.CreateAsync("/api/alert-rules", new { name = "Checkout down", condition = "testFailures", testId = test, consecutiveFailures = 1, severity = "critical" });
        var pageId = await fixture.CreateAsync("/api/status-pages", new
        {
            slug = "alerted", title = "Alerted", published = true,
            components = new object[] { new { name = "Checkout", testIds = new[] { test } }, new { name = "Catalogue", instanceTag = "svc=catalogue" } },
        });
        (await Console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();
        await Console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        var alert = (await Console.Http.GetFromJsonAsync<JsonElement>($"/api/alerts?ruleId={rule}")).GetProperty("items")[0].GetProperty("id").GetInt64();

        var page = await browser.OpenAsync(Console, $"/alerts/{alert}", ConsoleRoles.Operator);
        await page.GetByTestId("incident-from-alert").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        // Other tests' pages may exist: the page showing the alert's test comes first; one more click picks it.
        var choice = page.GetByTestId("from-alert-page").First;
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(choice.Or(dialog)).ToBeVisibleAsync();
        if (await choice.IsVisibleAsync())
        {
            await Expect(choice).ToContainTextAsync("/status/alerted");
            await choice.ClickAsync();
        }

        await Expect(dialog).ToContainTextAsync("Open an incident");
        await Expect(dialog.GetByTestId("incident-title")).ToHaveValueAsync("Checkout down");
        await Expect(dialog.GetByTestId("incident-message")).ToHaveValueAsync("We are investigating a problem with Checkout.");
        await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Checkout" })).ToBeCheckedAsync();
        await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Catalogue" })).Not.ToBeCheckedAsync();
        await Axe.AssertNoViolationsAsync(page, "the incident dialog prefilled from an alert");
        await using (var db = await Console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            (await db.Incidents.CountAsync(i => i.PageId == pageId)).Should().Be(0, "nothing is opened before the Operator confirms");
        }
        await dialog.GetByTestId("incident-save").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("incident")).ToHaveAttributeAsync("data-status", "investigating");

        var json = await Console.Anonymous.GetFromJsonAsync<JsonElement>("/status/alerted/api");
        var incident = json.GetProperty("incidents").EnumerateArray().Should().ContainSingle().Subject;
        incident.GetProperty("title").GetString().Should().Be("Checkout down");
        incident.GetProperty("impact").GetString().Should().Be("major");
        incident.GetProperty("components").EnumerateArray().Select(c => c.GetString()).Should().Equal("Checkout");
        await using var check = await Console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await check.Incidents.SingleAsync(i => i.PageId == pageId)).AlertId.Should().Be(alert, "the incident remembers the alert it came from");
    }
}
