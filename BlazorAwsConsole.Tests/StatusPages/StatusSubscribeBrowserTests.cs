using System.Net;
using System.Net.Http.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.StatusPages;

/// <summary>
/// The public page's subscribe form in headless Chromium: it works with JavaScript off (plain form post, neutral answer,
/// a confirmation mail to the SMTP sink), and the page with its forms, and the answer, pass axe-core in light and dark.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StatusSubscribeBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private SmtpSink _smtp = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _smtp = SmtpSink.Start();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false", "StatusPages:SubscriptionEmailChannel=status mail",
            "Console:PublicUrl=https://status.example.com", "StatusPages:SubscribesPerMinute=1000");
        var channel = await _console.Http.PostAsJsonAsync("/api/alert-channels", new
        {
            name = "status mail", kind = "Email", smtpHost = "127.0.0.1", smtpPort = _smtp.Port, smtpTls = "None",
            from = "Status <status@example.com>", to = new[] { "noc@example.com" },
        });
        channel.StatusCode.Should().Be(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync());
        var page = await _console.Http.PostAsJsonAsync("/api/status-pages", new
        {
            slug = "shop", title = "Shop", published = true, components = new[] { new { name = "Checkout", instanceTag = "app=shop" } },
        });
        page.StatusCode.Should().Be(HttpStatusCode.Created, await page.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _smtp.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task A_visitor_without_javascript_subscribes_by_e_mail_and_the_page_with_its_forms_passes_axe_in_light_and_dark()
    {
        var url = new Uri(_console.BaseAddress, "/status/shop").ToString();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            // JavaScript off: the form is a plain HTML post, and the answer a plain page.
            var noScript = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = scheme, JavaScriptEnabled = false });
            _console.CloseBeforeStop(() => noScript.CloseAsync());
            var visitor = await noScript.NewPageAsync();
            (await visitor.GotoAsync(url))!.Status.Should().Be(200);
            await visitor.GetByLabel("E-mail address").FillAsync($"reader-{scheme}@example.com".ToLowerInvariant());
            await visitor.GetByRole(AriaRole.Button, new() { Name = "Subscribe by e-mail" }).ClickAsync();
            await Expect(visitor.Locator("body")).ToContainTextAsync("confirmation link is on its way");
            await noScript.CloseAsync();

            // axe-core needs script: the same page and the same answer, in a context with JavaScript on.
            var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = scheme });
            _console.CloseBeforeStop(() => context.CloseAsync());
            var checker = await context.NewPageAsync();
            (await checker.GotoAsync(url))!.Status.Should().Be(200);
            await Expect(checker.GetByLabel("E-mail address")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(checker, $"the public page with its subscribe forms ({scheme})");
            await checker.GetByLabel("E-mail address").FillAsync("someone@example.com");
            await checker.GetByRole(AriaRole.Button, new() { Name = "Subscribe by e-mail" }).ClickAsync();
            await Expect(checker.Locator("body")).ToContainTextAsync("confirmation link is on its way");
            await Axe.AssertNoViolationsAsync(checker, $"the subscribe answer ({scheme})");
            await context.CloseAsync();
        }
        await Poll.UntilAsync(() => _smtp.Messages.Any(m => m.RcptTo.Contains("reader-light@example.com")) && _smtp.Messages.Any(m => m.RcptTo.Contains("reader-dark@example.com")),
            TimeSpan.FromSeconds(20), () => $"{_smtp.Messages.Count} confirmation mails arrived");
    }
}
