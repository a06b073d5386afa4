using BlazorAwsConsole.Secrets;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>A channel's secrets as held in Vault; never logged (ToString says nothing).</summary>
public sealed record ChannelSecretValues(string? HmacSecret, string? SmtpPassword, string? SlackUrl)
{
    public static readonly ChannelSecretValues None = new(null, null, null);

    public bool IsEmpty => string.IsNullOrEmpty(HmacSecret) && string.IsNullOrEmpty(SmtpPassword) && string.IsNullOrEmpty(SlackUrl);

    public IReadOnlyDictionary<string, string> ToData()
    {
        var data = new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(HmacSecret)) data["hmacSecret"] = HmacSecret;
        if (!string.IsNullOrEmpty(SmtpPassword)) data["smtpPassword"] = SmtpPassword;
        if (!string.IsNullOrEmpty(SlackUrl)) data["slackUrl"] = SlackUrl;
        return data;
    }

    public static ChannelSecretValues From(IReadOnlyDictionary<string, string> data) => new(
        data.GetValueOrDefault("hmacSecret"), data.GetValueOrDefault("smtpPassword"), data.GetValueOrDefault("slackUrl"));

    public override string ToString() => "ChannelSecretValues(…)";
}

/// <summary>
/// Keeps channel secrets in Vault KV v2 beside the credential sets: with the default
/// Vault:KvPrefix "blazor-aws-console/credentials", channel 7's are at "blazor-aws-console/channels/7".
/// </summary>
public sealed class ChannelSecrets(VaultClient vault, VaultStatus status, IOptions<VaultOptions> options)
{
    public const string VaultRequired = "store secrets in Vault: configure Vault first";

    public bool VaultConfigured => vault.IsConfigured;

    public string PathOf(int channelId)
    {
        var prefix = options.Value.KvPrefix.TrimEnd('/');
        var slash = prefix.LastIndexOf('/');
        return slash < 0 ? $"channels/{channelId}" : $"{prefix[..slash]}/channels/{channelId}";
    }

    public async Task<ChannelSecretValues> ReadAsync(NotificationChannel channel, CancellationToken cancellationToken)
    {
        if (!channel.NeedsVault) return ChannelSecretValues.None;
        try
        {
            var secret = await vault.KvReadAsync(PathOf(channel.Id), null, cancellationToken);
            status.ReportSuccess();
            return ChannelSecretValues.From(secret.Data);
        }
        catch (VaultException ex)
        {
            status.ReportFailure(ex);
            throw;
        }
    }

    /// <summary>Writes the channel's secrets as a new version, or deletes them all when there are none left.</summary>
    public async Task WriteAsync(int channelId, ChannelSecretValues values, CancellationToken cancellationToken)
    {
        try
        {
            if (values.IsEmpty) await DeleteAsync(channelId, cancellationToken);
            else await vault.KvWriteAsync(PathOf(channelId), values.ToData(), cas: null, cancellationToken);
            status.ReportSuccess();
        }
        catch (VaultException ex)
        {
            status.ReportFailure(ex);
            throw;
        }
    }

    public async Task DeleteAsync(int channelId, CancellationToken cancellationToken)
    {
        try
        {
            await vault.KvDeleteAllAsync(PathOf(channelId), cancellationToken);
        }
        catch (VaultNotFoundException)
        {
            // Nothing there: nothing to delete.
        }
    }
}
