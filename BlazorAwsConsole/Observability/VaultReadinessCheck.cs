using BlazorAwsConsole.Secrets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Observability;

/// <summary>Vault's sys/health, when Vault is configured; a console without Vault is ready (Sandbox mode needs none).</summary>
public sealed class VaultReadinessCheck(VaultClient vault, IOptions<ObservabilityOptions> options)
    : CachedHealthCheck(options)
{
    protected override async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        if (!vault.IsConfigured)
        {
            return HealthCheckResult.Healthy("Vault is not configured (Vault:Address is empty); nothing to check",
                new Dictionary<string, object> { ["configured"] = false });
        }
        var health = await vault.HealthAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["configured"] = true,
            ["address"] = vault.Options.Address!,
            ["state"] = health.State.ToString(),
        };
        if (health.Version is { } version) data["version"] = version;
        return health.Usable
            ? HealthCheckResult.Healthy($"Vault is {health.State.ToString().ToLowerInvariant()}", data)
            : HealthCheckResult.Unhealthy($"Vault is {health.State.ToString().ToLowerInvariant()}: {health.Detail}", data: data);
    }
}
