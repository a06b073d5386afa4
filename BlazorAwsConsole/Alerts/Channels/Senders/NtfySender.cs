namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// An ntfy topic, by JSON publish: POST to the server's root (the channel's URL without its topic) with topic,
/// title, message, priority, tags and click (the console link); "Authorization: Bearer {token}" when a token is set.
/// Priority is the channel's (1–5) or, unset, by severity (critical 5, warning 4, info 3); acknowledgements and
/// resolves at most 3.
/// </summary>
public sealed class NtfySender(IHttpClientFactory clients) : IKindSender
{
    public ChannelKind Kind => ChannelKind.Ntfy;

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var topicUrl = new Uri(channel.Url ?? throw new ChannelSendException("the ntfy channel has no URL"));
        var topic = topicUrl.Segments[^1].TrimEnd('/');
        var server = new Uri(topicUrl, ".").ToString();
        var priority = channel.Priority ?? n.Severity switch { "critical" => 5, "warning" => 4, _ => 3 };
        if (AlertText.IsShort(n)) priority = Math.Min(priority, 3);
        var tag = n.Status switch { "resolved" => "white_check_mark", "acknowledged" => "eyes", _ => n.Severity switch { "critical" => "rotating_light", "warning" => "warning", _ => "information_source" } };
        var message = AlertText.IsShort(n) ? AlertText.ShortLine(n) : string.Join("\n", AlertText.Fields(n).Select(f => $"{f.Name}: {f.Value}"));
        var payload = new
        {
            topic,
            title = AlertText.Cut(AlertText.IsShort(n) ? n.Status == "resolved" ? "Resolved" : "Acknowledged" : NotificationPayload.Headline(n), 250),
            message = AlertText.Cut(message, 4000),
            priority,
            tags = new[] { tag, n.Severity },
            click = link,
        };
        return HttpPost.JsonAsync(clients, server, payload, secrets, cancellationToken, request =>
        {
            if (!string.IsNullOrEmpty(secrets.Token)) request.Headers.Authorization = new("Bearer", secrets.Token);
        });
    }
}
