namespace BlazorAwsConsole.Alerts.Channels;

public enum ChannelKind
{
    /// <summary>POST of the notification as JSON, optionally signed with HMAC-SHA256.</summary>
    Webhook,
    /// <summary>A Slack-compatible incoming webhook (its URL is a credential: kept in Vault).</summary>
    Slack,
    /// <summary>E-mail over SMTP.</summary>
    Email,
}

public enum SmtpTlsMode
{
    /// <summary>Plain SMTP, no TLS at all.</summary>
    None,
    /// <summary>Plain connect, then STARTTLS (required).</summary>
    StartTls,
    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Ssl,
}

/// <summary>
/// Where alert notifications go. Holds no secret: the webhook's HMAC secret, the SMTP password and
/// the Slack webhook URL live in Vault KV (<see cref="ChannelSecrets"/>); the row only says whether
/// each is set.
/// </summary>
public sealed class NotificationChannel
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public ChannelKind Kind { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>Webhook: the URL. Slack: null (the URL is a secret); see <see cref="TargetHint"/>.</summary>
    public string? Url { get; set; }

    /// <summary>What the page may show of the target: the webhook URL, Slack's host, "host:port → recipients".</summary>
    public string TargetHint { get; set; } = "";

    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }
    public SmtpTlsMode SmtpTls { get; set; }
    public string? SmtpUser { get; set; }
    public string? From { get; set; }
    public List<string> To { get; set; } = [];

    /// <summary>Which secrets Vault holds for this channel (never the secrets themselves).</summary>
    public bool HmacSecretSet { get; set; }
    public bool SmtpPasswordSet { get; set; }
    public bool SlackUrlSet { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Finished deliveries that failed in a row (reset by one sent); "failing" from Alerts:Delivery:FailingAfter on.</summary>
    public int FailureStreak { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastFailedAt { get; set; }
    public DateTime? LastSentAt { get; set; }

    public bool NeedsVault => HmacSecretSet || SmtpPasswordSet || SlackUrlSet;
}
