namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>What sets the kinds apart, in one place: which are chats, which keep their URL as a secret, which take an endpoint.</summary>
public static class ChannelKinds
{
    /// <summary>Kinds a person reads: acknowledgements and resolves are short messages, and resolves can be switched off (NotifyResolved).</summary>
    public static bool IsChat(ChannelKind kind) => kind is ChannelKind.Slack or ChannelKind.Teams or ChannelKind.Discord or ChannelKind.GoogleChat
        or ChannelKind.Mattermost or ChannelKind.Telegram or ChannelKind.Ntfy or ChannelKind.Pushover;

    /// <summary>Incoming webhooks whose URL is the credential (kept in Vault; the URL is also the endpoint).</summary>
    public static bool UrlIsSecret(ChannelKind kind) => kind is ChannelKind.Slack or ChannelKind.Teams or ChannelKind.Discord
        or ChannelKind.GoogleChat or ChannelKind.Mattermost;

    /// <summary>Services with a fixed URL that the optional <see cref="NotificationChannel.Endpoint"/> replaces.</summary>
    public static bool TakesEndpoint(ChannelKind kind) => kind is ChannelKind.PagerDuty or ChannelKind.Opsgenie or ChannelKind.Telegram or ChannelKind.Pushover;

    /// <summary>Whether this channel gets the notification at all: a chat channel with NotifyResolved off gets no resolves.</summary>
    public static bool Wants(NotificationChannel channel, AlertNotification notification) =>
        !(notification.Status == "resolved" && IsChat(channel.Kind) && !channel.NotifyResolved);

    public const string Names = "Webhook, Slack, Email, PagerDuty, Opsgenie, Teams, Discord, GoogleChat, Mattermost, Telegram, Ntfy or Pushover";
}
