using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>DNS and TLS tests made in the dialog in real headless Chromium: their own fields and errors, then the details of a run on the test's page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DnsTlsBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private DnsmasqServer _dns = null!;
    private OpensslServer _tls = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _dns = await DnsmasqServer.StartAsync();
        _tls = await OpensslServer.StartAsync(TestCertificates.Server("localhost", ["localhost"], TimeSpan.FromDays(5)));
        _console = await ConsoleHost.StartAsync(_moto);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _tls.DisposeAsync();
        await _dns.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private static async Task ChooseAsync(IPage page, string testId, string item)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = item }).First.ClickAsync();
    }

    [Fact]
    public async Task A_dns_test_shows_its_field_errors_then_its_answer_on_its_page()
    {
        var page = await browser.OpenAsync(_console, "/synthetic");
        await page.GetByTestId("new-test").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).ToBeVisibleAsync();
        await ChooseAsync(page, "test-type", "DNS");
        await page.GetByTestId("test-name").FillAsync("zone lookup");
        await page.GetByTestId("test-target").FillAsync("name.zone.test");
        await page.GetByTestId("test-resolver").FillAsync("dns.example");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).ToContainTextAsync("'dns.example' is not a resolver address");

        await page.GetByTestId("test-resolver").FillAsync(_dns.Resolver);
        await page.GetByTestId("test-expected-answers").FillAsync("192.0.2.7");
        await page.GetByTestId("test-frequency").FillAsync("10");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).Not.ToBeVisibleAsync();

        var row = page.GetByTestId("test-row").Filter(new() { HasText = "zone lookup" });
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("dns-rcode")).ToHaveTextAsync("NOERROR", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("dns-resolver")).ToHaveTextAsync(_dns.Resolver);
        await Expect(page.GetByTestId("dns-answer")).ToContainTextAsync("192.0.2.7");
        await Expect(page.GetByTestId("latest-reason")).ToContainTextAsync($"A 192.0.2.7 from {_dns.Resolver}");
    }

    [Fact]
    public async Task A_tls_test_shows_its_field_errors_then_the_certificate_on_its_page()
    {
        var page = await browser.OpenAsync(_console, "/synthetic");
        await page.GetByTestId("new-test").ClickAsync();
        await ChooseAsync(page, "test-type", "TLS certificate");
        await page.GetByTestId("test-name").FillAsync("cert soon");
        await page.GetByTestId("test-target").FillAsync("127.0.0.1");
        await page.GetByTestId("test-port").FillAsync(_tls.Port.ToString());
        await page.GetByTestId("test-server-name").FillAsync("10.0.0.1");
        await page.GetByTestId("test-cert-warning-days").FillAsync("400");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).ToContainTextAsync("is not a host name to send as SNI");
        await Expect(page.GetByTestId("test-dialog")).ToContainTextAsync("between 0 and 365 days");

        await page.GetByTestId("test-server-name").FillAsync("localhost");
        await page.GetByTestId("test-cert-warning-days").FillAsync("14");
        await page.GetByTestId("test-verify-chain").ClickAsync();
        await page.GetByTestId("test-frequency").FillAsync("10");
        await page.GetByTestId("test-save").ClickAsync();
        await Expect(page.GetByTestId("test-dialog")).Not.ToBeVisibleAsync();

        await page.GetByTestId("test-row").Filter(new() { HasText = "cert soon" }).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("tls-subject")).ToHaveTextAsync("CN=localhost", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("tls-days-left")).ToHaveTextAsync("5");
        await Expect(page.GetByTestId("tls-version")).ToHaveTextAsync("TLSv1.3");
        await Expect(page.GetByTestId("latest-reason")).ToContainTextAsync("certificate expires in 5 days, ");
    }
}
