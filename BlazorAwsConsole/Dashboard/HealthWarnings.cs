using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Secrets;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Dashboard;

/// <summary>A credential set that is past its age limit, or will be within <see cref="HealthWarnings.CredentialWarningDays"/>.</summary>
public sealed record CredentialWarning(string Name, int AgeDays, int MaxAgeDays, bool TooOld)
{
    public int DaysLeft => MaxAgeDays - AgeDays;
}

/// <summary>What is wrong with the console's own view: stale regions, old credentials, Vault, probe locations without an agent.</summary>
public sealed class HealthWarnings(FleetSnapshot fleet, CredentialService credentials, VaultStatus vault, IOptions<SecretsOptions> secrets,
    ProbeLocations.LocationCoverage coverage)
{
    /// <summary>Locations that enabled tests run from and no live agent serves: those tests run from nowhere there.</summary>
    public Task<IReadOnlyList<ProbeLocations.UncoveredLocation>> UncoveredLocationsAsync(CancellationToken cancellationToken) => coverage.ProblemsAsync(cancellationToken);

    /// <summary>A credential set this close to Secrets:MaxCredentialAgeDays is flagged before it is too old.</summary>
    public const int CredentialWarningDays = 14;

    /// <summary>Regions whose last poll failed: what the console shows of them is the last good data.</summary>
    public IReadOnlyList<RegionSyncStatus> StaleRegions() => fleet.Regions.Where(r => r.IsStale).ToList();

    /// <summary>Why Vault cannot be used right now; null while it can (or is not used).</summary>
    public string? VaultProblem => vault.Available ? null : vault.Reason ?? "Vault is unavailable.";

    public async Task<IReadOnlyList<CredentialWarning>> CredentialWarningsAsync(CancellationToken cancellationToken)
    {
        var max = secrets.Value.MaxCredentialAgeDays;
        return (await credentials.ListAsync(cancellationToken))
            .Where(c => c.TooOld || c.AgeDays >= max - CredentialWarningDays)
            .Select(c => new CredentialWarning(c.Name, c.AgeDays, max, c.TooOld))
            .OrderBy(c => c.DaysLeft).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }
}
