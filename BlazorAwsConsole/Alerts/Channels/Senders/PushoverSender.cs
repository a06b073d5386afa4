namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// Pushover: POST {endpoint}/1/messages.json (endpoint by default https://api.pushover.net) as a form with token,
/// user, title, message, url, url_title, timestamp and priority (the channel's, -2..2; emergency, 2, also sends
/// retry=60 and expire=3600, as Pushover requires). Acknowledgements and resolves go at most at normal priority.
/// </summary>
public sealed class PushoverSender(IHttpClientFactory clients) : IKindSender
{
    public const string DefaultEndpoint = "https://api.pushover.net";

    public ChannelKind Kind => ChannelKind.Pushover;

    public async Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secrets.AppToken) || string.IsNullOrEmpty(secrets.UserKey))
            throw new ChannelSendException("Vault holds no Pushover user key and application token for this channel");
        var priority = channel.Priority ?? 0;
        if (AlertText.IsShort(n)) priority = Math.Min(priority, 0);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("token", secrets.AppToken), new("user", secrets.UserKey),
            new("title", AlertText.Cut(AlertText.IsShort(n) ? n.Status == "resolved" ? "Resolved" : "Acknowledged" : NotificationPayload.Headline(n), 250)),
            new("message", AlertText.Cut(AlertText.IsShort(n) ? AlertText.ShortLine(n) : string.Join("\n", AlertText.Fields(n).Select(f => $"{f.Name}: {f.Value}")), 1024)),
            new("priority", priority.ToString()),
            new("timestamp", n.At.ToUnixTimeSeconds().ToString()),
        };
        if (link is not null) fields.AddRange([new("url", AlertText.Cut(link, 512)), new("url_title", AlertText.OpenInConsole)]);
        if (priority == 2) fields.AddRange([new("retry", "60"), new("expire", "3600")]);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{(channel.Endpoint ?? DefaultEndpoint).TrimEnd('/')}/1/messages.json")
        {
            Content = new FormUrlEncodedContent(fields),
        };
        await HttpPost.SendAsync(clients.CreateClient(WebhookSender.ClientName), request, cancellationToken, secrets.All);
    }
}
