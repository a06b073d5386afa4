using BlazorAwsConsole.Alerts.Channels.Senders;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Adding or changing a channel. Secret fields (HmacSecret, SmtpPassword, RoutingKey, ApiKey, BotToken,
/// Token, UserKey, AppToken, and Url for Slack, Teams, Discord, GoogleChat and Mattermost) are write-only:
/// null keeps what Vault holds, "" removes an optional one (required ones stay).
/// </summary>
public sealed record ChannelRequest(
    string? Name, string? Kind, bool? Enabled, string? Url, string? HmacSecret,
    string? SmtpHost, int? SmtpPort, string? SmtpTls, string? SmtpUser, string? SmtpPassword, string? From, IReadOnlyList<string>? To,
    string? RoutingKey = null, string? ApiKey = null, string? Region = null, string? BotToken = null, string? ChatId = null, string? Token = null,
    int? Priority = null, string? UserKey = null, string? AppToken = null, string? Endpoint = null, bool? NotifyResolved = null)
{
    // Secrets must never reach a log line through this record's ToString.
    public override string ToString() => $"ChannelRequest({Name}, {Kind})";
}

/// <summary>A channel as pages and the API show it: secrets only as "set" / "not set" (null where the kind has none).</summary>
public sealed record ChannelDto(
    int Id, string Name, string Kind, bool Enabled, string Target, string? Url, string? HmacSecret, string? SlackWebhookUrl,
    string? SmtpHost, int? SmtpPort, string? SmtpTls, string? SmtpUser, string? SmtpPassword, string? From, IReadOnlyList<string> To,
    string? Endpoint, string? Region, string? ChatId, int? Priority, bool? NotifyResolved,
    string? WebhookUrl, string? RoutingKey, string? ApiKey, string? BotToken, string? Token, string? UserKey, string? AppToken,
    DateTime CreatedAt, bool IsFailing, int FailureStreak, string? LastError, DateTime? LastSentAt, DateTime? LastFailedAt,
    IReadOnlyList<DeliveryDto> RecentDeliveries)
{
    public const string Set = "set";
    public const string NotSet = "not set";

    public static ChannelDto Of(NotificationChannel c, bool isFailing, IReadOnlyList<DeliveryDto> recent) => new(
        c.Id, c.Name, c.Kind.ToString(), c.Enabled, c.TargetHint,
        c.Kind is ChannelKind.Webhook or ChannelKind.Ntfy ? c.Url : null,
        c.Kind == ChannelKind.Webhook ? Mask(c.HmacSecretSet) : null,
        c.Kind == ChannelKind.Slack ? Mask(c.SlackUrlSet) : null,
        c.SmtpHost, c.SmtpPort, c.Kind == ChannelKind.Email ? c.SmtpTls.ToString() : null, c.SmtpUser,
        c.Kind == ChannelKind.Email ? Mask(c.SmtpPasswordSet) : null, c.From, c.To,
        c.Endpoint, c.Region, c.ChatId, c.Priority, ChannelKinds.IsChat(c.Kind) ? c.NotifyResolved : null,
        ChannelKinds.UrlIsSecret(c.Kind) && c.Kind != ChannelKind.Slack ? Mask(c.WebhookUrlSet) : null,
        MaskFor(c, ChannelKind.PagerDuty, c.RoutingKeySet), MaskFor(c, ChannelKind.Opsgenie, c.ApiKeySet), MaskFor(c, ChannelKind.Telegram, c.BotTokenSet),
        MaskFor(c, ChannelKind.Ntfy, c.TokenSet), MaskFor(c, ChannelKind.Pushover, c.UserKeySet), MaskFor(c, ChannelKind.Pushover, c.AppTokenSet),
        Utc(c.CreatedAt), isFailing, c.FailureStreak, c.LastError, UtcOrNull(c.LastSentAt), UtcOrNull(c.LastFailedAt), recent);

    private static string Mask(bool set) => set ? Set : NotSet;
    private static string? MaskFor(NotificationChannel c, ChannelKind kind, bool set) => c.Kind == kind ? Mask(set) : null;
    internal static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
    internal static DateTime? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;
}

/// <summary>One delivery: what was sent (rule, status, summary), how many attempts, and how it ended.</summary>
public sealed record DeliveryDto(
    long Id, int? ChannelId, long? AlertId, string Status, int Attempts, string? LastError, DateTime CreatedAt, DateTime? SentAt,
    DateTime? NextAttemptAt, string? RuleName, string? Severity, string? AlertStatus, string? Summary)
{
    public static DeliveryDto From(NotificationDelivery d)
    {
        AlertNotification? n = null;
        try { n = NotificationPayload.Deserialize(d.Payload); } catch (System.Text.Json.JsonException) { }
        return new(d.Id, d.ChannelId, d.AlertId, d.Status.ToString(), d.Attempts, d.LastError, ChannelDto.Utc(d.CreatedAt), ChannelDto.UtcOrNull(d.SentAt),
            d.Status == DeliveryStatus.Pending ? ChannelDto.Utc(d.NextAttemptAt) : null, n?.RuleName, n?.Severity, n?.Status, n?.Summary);
    }
}

/// <summary>The answer of "send test": whether the sample notification went through, and if not why.</summary>
public sealed record TestSendResult(bool Sent, string? Error, long DeliveryId);

/// <summary>A channel flagged as failing, for the dashboard.</summary>
public sealed record FailingChannel(int Id, string Name, string Kind, int FailureStreak, string? LastError, DateTime? LastFailedAt);
