using BlazorAwsConsole.Dashboard.Pages;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Secrets;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Dashboard;

/// <summary>Stale regions, credential age warnings and Vault problems on the dashboard, from the real sources.</summary>
public sealed class WarningsPanelTests : DashboardContext
{
    private static RegionSyncStatus Region(string code, string? error) =>
        new(code, code, DateTime.UtcNow.AddMinutes(-10), DateTime.UtcNow, error, error is null ? 0 : 3, DateTime.UtcNow.AddMinutes(1), 0);

    private static CredentialSet Credential(string name, int ageDays) => new()
    {
        Name = name,
        VaultPath = $"aws/{name}",
        CreatedAt = DateTime.UtcNow.AddDays(-ageDays).AddHours(-1),
    };

    [Fact]
    public async Task Lists_stale_regions_old_and_nearly_old_credentials_and_Vault_problems_and_nothing_else()
    {
        Snapshot.SetRegions([Region("us-east-1", null), Region("eu-west-1", "RequestExpired: could not reach ec2.eu-west-1")]);
        await using (var db = await DatabaseAsync())
        {
            // The limit is 90 days (Secrets:MaxCredentialAgeDays): warn from 76 days, error past 90.
            db.CredentialSets.AddRange(Credential("fresh", 10), Credential("soon", 80), Credential("edge", 75), Credential("ancient", 120));
            await db.SaveChangesAsync();
        }
        Services.GetRequiredService<VaultStatus>().ReportFailure(new VaultSealedException("Vault is sealed"));

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=warning-credential-ancient]").TextContent
            .Should().Contain("120 days old").And.Contain("over the 90-day limit"));
        page.Find("[data-testid=warning-credential-soon]").TextContent.Should().Contain("80 days old").And.Contain("10 days left");
        page.FindAll("[data-testid=warning-credential-fresh]").Should().BeEmpty();
        page.FindAll("[data-testid=warning-credential-edge]").Should().BeEmpty("75 days is 15 days from the limit");
        page.Find("[data-testid=warning-region-eu-west-1]").TextContent.Should().Contain("RequestExpired");
        page.FindAll("[data-testid=warning-region-us-east-1]").Should().BeEmpty();
        page.Find("[data-testid=warning-vault]").TextContent.Should().Contain("Vault is sealed");
    }

    [Fact]
    public async Task With_nothing_wrong_the_panel_says_so()
    {
        Snapshot.SetRegions([Region("us-east-1", null)]);
        await using (var _ = await DatabaseAsync()) { }

        var page = RenderPage<DashboardPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=warnings-none]"));
        page.FindAll("[data-testid^=warning-]").Should().BeEmpty();
    }
}
