using BlazorAwsConsole.Alerts.Channels.Senders;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Adding or changing a channel. Secret fields (HmacSecret, SmtpPassword, and Url for Slack) are
/// write-only: null keeps what Vault holds, "" removes it (not the Slack URL, which is required).
/// </summary>
public sealed record ChannelRequest(
    string? Name, string? Kind, bool? Enabled, string? Url, string? HmacSecret,
    string? SmtpHost, int? SmtpPort, string? SmtpTls, string? SmtpUser, string? SmtpPassword, string? From, IReadOnlyList<string>? To)
{
    // Secrets must never reach a log line through this record's ToString.
    public override string ToString() => $"ChannelRequest({Name}, {Kind})";
}

/// <summary>A channel as pages and the API show it: secrets only as "set" / "not set" (null where the kind has none).</summary>
public sealed record ChannelDto(
    int Id, string Name, string Kind, bool Enabled, string Target, string? Url, string? HmacSecret, string? SlackWebhookUrl,
    string? SmtpHost, int? SmtpPort, string? SmtpTls, string? SmtpUser, string? SmtpPassword, string? From, IReadOnlyList<string> To,
    DateTime CreatedAt, bool IsFailing, int FailureStreak, string? LastError, DateTime? LastSentAt, DateTime? LastFailedAt,
    IReadOnlyList<DeliveryDto> RecentDeliveries)
{
    public const string Set = "set";
    public const string NotSet = "not set";

    public static ChannelDto Of(NotificationChannel c, bool isFailing, IReadOnlyList<DeliveryDto> recent) => new(
        c.Id, c.Name, c.Kind.ToString(), c.Enabled, c.TargetHint,
        c.Kind == ChannelKind.Webhook ? c.Url : null,
        c.Kind == ChannelKind.Webhook ? Mask(c.HmacSecretSet) : null,
        c.Kind == ChannelKind.Slack ? Mask(c.SlackUrlSet) : null,
        c.SmtpHost, c.SmtpPort, c.Kind == ChannelKind.Email ? c.SmtpTls.ToString() : null, c.SmtpUser,
        c.Kind == ChannelKind.Email ? Mask(c.SmtpPasswordSet) : null, c.From, c.To,
        Utc(c.CreatedAt), isFailing, c.FailureStreak, c.LastError, UtcOrNull(c.LastSentAt), UtcOrNull(c.LastFailedAt), recent);

    private static string Mask(bool set) => set ? Set : NotSet;
    internal static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
    internal static DateTime? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;
}

/// <summary>One delivery: what was sent (rule, status, summary), how many attempts, and how it ended.</summary>
public sealed record DeliveryDto(
    long Id, int ChannelId, long? AlertId, string Status, int Attempts, string? LastError, DateTime CreatedAt, DateTime? SentAt,
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
