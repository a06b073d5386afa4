namespace BlazorAwsConsole.Alerts.Channels;

public enum ChannelKind
{
    /// <summary>POST of the notification as JSON, optionally signed with HMAC-SHA256.</summary>
    Webhook,
    /// <summary>A Slack-compatible incoming webhook (its URL is a credential: kept in Vault).</summary>
    Slack,
    /// <summary>E-mail over SMTP.</summary>
    Email,
    /// <summary>PagerDuty Events API v2 (routing key in Vault): trigger, acknowledge and resolve with one dedup_key per alert.</summary>
    PagerDuty,
    /// <summary>Opsgenie Alert API (API key in Vault, region us|eu): create, acknowledge and close by alias.</summary>
    Opsgenie,
    /// <summary>A Microsoft Teams Workflows incoming webhook (URL in Vault): an Adaptive Card.</summary>
    Teams,
    /// <summary>A Discord webhook (URL in Vault): content and an embed.</summary>
    Discord,
    /// <summary>A Google Chat space webhook (URL in Vault): text and a cardsV2 card.</summary>
    GoogleChat,
    /// <summary>A Mattermost incoming webhook (URL in Vault): Slack-compatible text and attachment.</summary>
    Mattermost,
    /// <summary>A Telegram bot (token in Vault) writing to one chat: sendMessage with HTML.</summary>
    Telegram,
    /// <summary>An ntfy topic (server and topic URL; optional access token in Vault).</summary>
    Ntfy,
    /// <summary>Pushover (user key and application token in Vault).</summary>
    Pushover,
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

    /// <summary>Webhook and Ntfy: the URL. Slack, Teams, Discord, Google Chat, Mattermost: null (the URL is a secret); see <see cref="TargetHint"/>.</summary>
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

    /// <summary>
    /// Replaces the service's URL (PagerDuty's enqueue URL; the API base of Opsgenie, Telegram and Pushover):
    /// proxies, regional endpoints, tests. Passes the same link-local guard as every endpoint.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>Opsgenie: "us" or "eu" (which API the default endpoint is).</summary>
    public string? Region { get; set; }

    /// <summary>Telegram: the chat's numeric id or @channelusername.</summary>
    public string? ChatId { get; set; }

    /// <summary>Ntfy: 1–5 (3 = default); Pushover: -2..2 (0 = normal; 2 asks for confirmation).</summary>
    public int? Priority { get; set; }

    /// <summary>Chat kinds: whether a resolve is sent ("resolved after 12 min"); off: resolves do not go to this channel.</summary>
    public bool NotifyResolved { get; set; } = true;

    public bool WebhookUrlSet { get; set; }
    public bool RoutingKeySet { get; set; }
    public bool ApiKeySet { get; set; }
    public bool BotTokenSet { get; set; }
    public bool TokenSet { get; set; }
    public bool UserKeySet { get; set; }
    public bool AppTokenSet { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Finished deliveries that failed in a row (reset by one sent); "failing" from Alerts:Delivery:FailingAfter on.</summary>
    public int FailureStreak { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastFailedAt { get; set; }
    public DateTime? LastSentAt { get; set; }

    public bool NeedsVault => HmacSecretSet || SmtpPasswordSet || SlackUrlSet
        || WebhookUrlSet || RoutingKeySet || ApiKeySet || BotTokenSet || TokenSet || UserKeySet || AppTokenSet;
}
