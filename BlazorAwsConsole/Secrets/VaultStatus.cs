using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Secrets;

/// <summary>Published on the live feed when Vault becomes unavailable, changes its reason, or comes back.</summary>
public sealed record VaultStatusChanged(bool Available, string? Reason);

/// <summary>
/// Whether Vault can be used right now, as last seen by any call or status check on this node.
/// The layout's banner shows <see cref="Reason"/> while <see cref="Available"/> is false.
/// </summary>
public sealed class VaultStatus(LiveFeed feed, ILogger<VaultStatus> logger)
{
    private readonly Lock _lock = new();

    public bool Available { get; private set; } = true;
    public string? Reason { get; private set; }

    /// <summary>Raised (after the live feed) when Vault comes back, so waiting work can resume at once.</summary>
    public event Action? Recovered;

    public void ReportSuccess() => Set(true, null);

    /// <summary>Only failures of Vault itself count: unreachable, sealed, or denying the console's token.</summary>
    public void ReportFailure(VaultException error)
    {
        if (error is VaultUnreachableException or VaultSealedException or VaultForbiddenException or VaultNotConfiguredException)
        {
            Set(false, error.Reason);
        }
    }

    private void Set(bool available, string? reason)
    {
        bool recovered;
        lock (_lock)
        {
            if (Available == available && Reason == reason) return;
            recovered = available && !Available;
            Available = available;
            Reason = reason;
        }
        if (available) logger.LogInformation("Vault is available again");
        else logger.LogWarning("Vault is unavailable: {Reason}", reason);
        feed.Publish(new VaultStatusChanged(available, reason));
        if (recovered) Recovered?.Invoke();
    }
}
