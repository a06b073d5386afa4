using BlazorAwsConsole.Secrets;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// A channel's secrets as held in Vault, each under its own key ("hmacSecret", "routingKey", …); never
/// logged (ToString says nothing). <see cref="WebhookUrl"/> is the URL of Teams, Discord, Google Chat and
/// Mattermost channels (for them the URL is the credential, like Slack's).
/// </summary>
public sealed record ChannelSecretValues(
    string? HmacSecret = null, string? SmtpPassword = null, string? SlackUrl = null, string? WebhookUrl = null, string? RoutingKey = null,
    string? ApiKey = null, string? BotToken = null, string? Token = null, string? UserKey = null, string? AppToken = null)
{
    public static readonly ChannelSecretValues None = new();

    // The Vault keys, and how each is read from the values.
    private static readonly (string Key, Func<ChannelSecretValues, string?> Get)[] Keys =
    [
        ("hmacSecret", v => v.HmacSecret), ("smtpPassword", v => v.SmtpPassword), ("slackUrl", v => v.SlackUrl), ("webhookUrl", v => v.WebhookUrl),
        ("routingKey", v => v.RoutingKey), ("apiKey", v => v.ApiKey), ("botToken", v => v.BotToken), ("token", v => v.Token),
        ("userKey", v => v.UserKey), ("appToken", v => v.AppToken),
    ];

    public bool IsEmpty => Keys.All(k => string.IsNullOrEmpty(k.Get(this)));

    /// <summary>Every secret that is set: what a reason or a log line must never carry.</summary>
    public IEnumerable<string> All => Keys.Select(k => k.Get(this)).Where(v => !string.IsNullOrEmpty(v))!;

    public IReadOnlyDictionary<string, string> ToData() =>
        Keys.Where(k => !string.IsNullOrEmpty(k.Get(this))).ToDictionary(k => k.Key, k => k.Get(this)!);

    public static ChannelSecretValues From(IReadOnlyDictionary<string, string> data) => new(
        data.GetValueOrDefault("hmacSecret"), data.GetValueOrDefault("smtpPassword"), data.GetValueOrDefault("slackUrl"), data.GetValueOrDefault("webhookUrl"),
        data.GetValueOrDefault("routingKey"), data.GetValueOrDefault("apiKey"), data.GetValueOrDefault("botToken"), data.GetValueOrDefault("token"),
        data.GetValueOrDefault("userKey"), data.GetValueOrDefault("appToken"));

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
