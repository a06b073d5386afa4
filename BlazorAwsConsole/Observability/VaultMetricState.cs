using BlazorAwsConsole.Secrets;

namespace BlazorAwsConsole.Observability;

/// <summary>Vault's state in the words of <c>console_vault_status</c>, from the last status check (no call to Vault at scrape time).</summary>
internal static class VaultMetricState
{
    public static string Of(VaultClient vault, VaultStatus status, VaultMonitor monitor) =>
        !vault.IsConfigured ? "not_configured"
        : monitor.Last is not { } last ? "unknown"
        // Vault answers but refuses the console's token: usable to nobody.
        : last.Health is "Ready" or "Standby" && !status.Available ? "denied"
        : last.Health.ToLowerInvariant();
}
