using BlazorAwsConsole.Fleet;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Secrets;

/// <summary>What the Vault settings tab and GET /api/settings/vault show. Never the token.</summary>
public sealed record VaultStatusReport(
    bool Configured, string? Address, string AuthMethod, string KvMount, string AwsMount,
    bool Reachable, bool Sealed, string Health, string? Version, bool TokenValid, int? TokenTtlSeconds, bool TokenRenewable,
    IReadOnlyList<string> Policies, string? Error, DateTime CheckedAt);

/// <summary>
/// Checks Vault every <c>Vault:StatusCheckSeconds</c>: sys/health, then lookup-self (which also
/// renews the token before it expires, or logs in again with AppRole). It keeps
/// <see cref="VaultStatus"/> true, and when Vault comes back it starts a fleet sync at once so stale
/// regions recover without waiting out their backoff.
/// </summary>
public sealed class VaultMonitor(
    VaultClient vault,
    VaultStatus status,
    FleetSyncService sync,
    TimeProvider time,
    IOptions<VaultOptions> options,
    ILogger<VaultMonitor> logger) : BackgroundService
{
    public VaultStatusReport? Last { get; private set; }

    public async Task<VaultStatusReport> CheckAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        if (!vault.IsConfigured)
        {
            return Last = new VaultStatusReport(false, null, settings.AuthMethod.ToString(), settings.KvMount, settings.AwsMount,
                false, false, "not configured", null, false, null, false, [], "Vault is not configured (Vault:Address is empty).", now);
        }
        var health = await vault.HealthAsync(cancellationToken);
        VaultTokenInfo? token = null;
        string? error = health.Usable ? null : health.Detail;
        if (health.Usable)
        {
            try
            {
                token = await vault.LookupSelfAsync(cancellationToken);
                status.ReportSuccess();
            }
            catch (VaultException ex)
            {
                error = ex.Reason;
                status.ReportFailure(ex);
            }
        }
        else
        {
            status.ReportFailure(health.State == VaultHealthState.Sealed
                ? new VaultSealedException(health.Detail)
                : new VaultUnreachableException(health.Detail));
        }
        return Last = new VaultStatusReport(true, settings.Address, settings.AuthMethod.ToString(), settings.KvMount, settings.AwsMount,
            health.State != VaultHealthState.Unreachable, health.State == VaultHealthState.Sealed, health.State.ToString(), health.Version,
            token is not null, token is null ? null : (int)token.Ttl.TotalSeconds, token?.Renewable ?? false, token?.Policies ?? [], error, now);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!vault.IsConfigured) return;
        status.Recovered += OnRecovered;
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.StatusCheckSeconds), time);
            do
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Vault status check failed: {Error}", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            status.Recovered -= OnRecovered;
        }
    }

    private void OnRecovered() => _ = Task.Run(async () =>
    {
        try
        {
            await sync.SyncAsync(force: true);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Sync after Vault recovered failed: {Error}", ex.Message);
        }
    });
}
