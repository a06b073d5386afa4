using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>Settings > AWS Settings > Credentials in headless Chromium, against the real console, moto and the fake Vault.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CredentialsPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private FakeVaultServer _vault = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _vault = await FakeVaultServer.StartAsync();
        _console = await VaultConsole.StartAsync(_moto, _vault);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _vault.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task Adding_a_key_pair_keeps_the_secret_out_of_the_page_and_test_shows_the_account()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(_moto, "alice-e2e");
        var page = await browser.OpenAsync(_console, "/settings/aws/credentials");
        await Expect(page.GetByTestId("credentials-empty")).ToBeVisibleAsync();

        await page.GetByTestId("credential-name").FillAsync("prod");
        await page.GetByTestId("credential-access-key-id").FillAsync(alice.AccessKeyId);
        await page.GetByTestId("credential-secret").FillAsync(alice.SecretAccessKey);
        await page.GetByTestId("credential-regions").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "us-east-1" }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.GetByTestId("credential-add").ClickAsync();

        await Expect(page.GetByTestId("credential-row-prod")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("credential-key-prod")).ToHaveTextAsync($"…{alice.AccessKeyId[^4..]}");
        await Expect(page.GetByTestId("credential-secret")).ToHaveValueAsync("");
        await Expect(page.GetByTestId("credential-name")).ToHaveValueAsync("");

        await page.GetByTestId("credential-test-prod").ClickAsync();

        await Expect(page.GetByTestId("credential-identity-prod")).ToContainTextAsync("Account 123456789012");
        await Expect(page.GetByTestId("credential-identity-prod")).ToContainTextAsync(alice.UserArn);
        (await page.ContentAsync()).Should().NotContain(alice.SecretAccessKey);
        _vault.KvVersions("blazor-aws-console/credentials/prod").Single()["aws_secret_access_key"].Should().Be(alice.SecretAccessKey);
    }
}
