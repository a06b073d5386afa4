using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Secrets.Components;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Secrets;

/// <summary>The layout's Vault banner appears live when Vault fails, names the reason, and goes when Vault is back.</summary>
public sealed class VaultBannerTests : ComponentContext
{
    public VaultBannerTests() => Services.AddSingleton<VaultStatus>();

    [Fact]
    public async Task The_banner_follows_Vaults_status_without_a_reload_and_unsubscribes_when_closed()
    {
        var status = Services.GetRequiredService<VaultStatus>();
        var before = Feed.SubscriberCount;
        var banner = Render<VaultBanner>();
        banner.FindAll("[data-testid=vault-banner]").Should().BeEmpty();

        status.ReportFailure(new VaultSealedException("Vault is sealed"));
        banner.WaitForAssertion(() => banner.Find("[data-testid=vault-banner]").TextContent.Should().Contain("Vault is unavailable: Vault is sealed"));

        status.ReportFailure(new VaultNotFoundException("Nothing at x"));
        banner.Find("[data-testid=vault-banner]").TextContent.Should().Contain("Vault is sealed", "a missing secret is not Vault being down");

        status.ReportSuccess();
        banner.WaitForAssertion(() => banner.FindAll("[data-testid=vault-banner]").Should().BeEmpty());

        await DisposeComponentsAsync();
        Feed.SubscriberCount.Should().Be(before);
    }
}
