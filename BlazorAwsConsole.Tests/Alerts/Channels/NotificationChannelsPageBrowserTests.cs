using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>Settings > Notification channels in headless Chromium: add with a write-only secret, send test, see failures, delete.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationChannelsPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private FakeVaultServer _vault = null!;
    private HookReceiver _receiver = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _vault = await FakeVaultServer.StartAsync();
        _receiver = await HookReceiver.StartAsync();
        _console = await VaultConsole.StartAsync(_moto, _vault, [.. ChannelConsole.FastRetries, "Alerts:Delivery:FailingAfter=1"]);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _receiver.DisposeAsync();
        await _vault.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_adds_a_signed_webhook_tests_it_sees_it_fail_and_deletes_it()
    {
        var secret = "page-secret-" + Guid.NewGuid().ToString("n");
        var page = await browser.OpenAsync(_console, "/settings/channels");
        await Expect(page.GetByTestId("channels-empty")).ToBeVisibleAsync();

        await page.GetByTestId("channel-add").ClickAsync();
        await page.GetByTestId("channel-name").FillAsync("ops hook");
        await page.GetByTestId("channel-url").FillAsync("not a url");
        await page.GetByTestId("channel-hmac-secret").FillAsync(secret);
        await page.GetByTestId("channel-save").ClickAsync();
        await Expect(page.GetByTestId("channel-dialog")).ToContainTextAsync("absolute http:// or https://");

        await page.GetByTestId("channel-url").FillAsync(_receiver.Address + "/in");
        await page.GetByTestId("channel-save").ClickAsync();
        var row = page.Locator("[data-testid^=channel-row-]");
        await Expect(row).ToContainTextAsync("HMAC secret: set");
        await Expect(row).ToContainTextAsync(_receiver.Address + "/in");
        var id = (await row.GetAttributeAsync("data-testid"))!["channel-row-".Length..];

        await page.GetByTestId($"channel-test-{id}").ClickAsync();
        await Expect(page.GetByTestId($"channel-test-result-{id}")).ToContainTextAsync("Test notification sent.");
        _receiver.Requests.Single().Headers.Should().ContainKey("X-Console-Signature");

        _receiver.Respond = _ => 500;
        await page.GetByTestId($"channel-test-{id}").ClickAsync();
        await Expect(page.GetByTestId($"channel-test-result-{id}")).ToContainTextAsync("HTTP 500");
        await Expect(page.GetByTestId($"channel-failing-{id}")).ToBeVisibleAsync();
        (await page.ContentAsync()).Should().NotContain(secret);

        await page.GetByTestId($"channel-delete-{id}").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("channels-empty")).ToBeVisibleAsync();
        _vault.KvVersions($"blazor-aws-console/channels/{id}").Should().BeEmpty();
    }

    [Fact]
    public async Task An_admin_adds_a_PagerDuty_channel_sees_the_refusal_under_its_field_and_the_dialog_passes_axe()
    {
        var key = "R" + Guid.NewGuid().ToString("n")[..31];
        var page = await browser.OpenAsync(_console, "/settings/channels");
        await page.GetByTestId("channel-add").ClickAsync();
        await page.GetByTestId("channel-name").FillAsync("on call");
        await page.GetByTestId("channel-kind").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "PagerDuty (Events API v2)" }).ClickAsync();
        await page.GetByTestId("channel-routing-key").FillAsync("too-short");
        await page.GetByTestId("channel-endpoint").FillAsync(_receiver.Address + "/v2/enqueue");
        await page.GetByTestId("channel-save").ClickAsync();
        await Expect(page.GetByTestId("channel-dialog")).ToContainTextAsync("32 letters and digits");
        await Axe.AssertNoViolationsAsync(page, "the channel dialog with PagerDuty's fields and a refusal");

        await page.GetByTestId("channel-routing-key").FillAsync(key);
        await page.GetByTestId("channel-save").ClickAsync();
        var row = page.Locator("[data-testid^=channel-row-]");
        await Expect(row).ToContainTextAsync("routing key: set");
        var id = (await row.GetAttributeAsync("data-testid"))!["channel-row-".Length..];
        await page.GetByTestId($"channel-test-{id}").ClickAsync();
        await Expect(page.GetByTestId($"channel-test-result-{id}")).ToContainTextAsync("Test notification sent.");
        _receiver.Requests.Single().Path.Should().Be("/v2/enqueue");
        (await page.ContentAsync()).Should().NotContain(key);
    }
}
