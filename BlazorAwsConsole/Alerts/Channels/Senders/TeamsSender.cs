namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// A Microsoft Teams Workflows incoming webhook: a "message" whose one attachment is an Adaptive Card
/// (headline coloured by severity, a fact set, and an "Open in the console" action); acknowledgements
/// and resolves are a one-line card.
/// </summary>
public sealed class TeamsSender(IHttpClientFactory clients) : IKindSender
{
    public ChannelKind Kind => ChannelKind.Teams;

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var url = secrets.WebhookUrl ?? throw new ChannelSendException("Vault holds no Teams webhook URL for this channel");
        var colour = n.Status == "resolved" ? "good" : n.Status == "acknowledged" ? "default" : n.Severity switch { "critical" => "attention", "warning" => "warning", _ => "accent" };
        var body = new List<object> { new { type = "TextBlock", text = AlertText.Title(n), weight = "bolder", size = "medium", color = colour, wrap = true } };
        if (!AlertText.IsShort(n)) body.Add(new { type = "FactSet", facts = AlertText.Fields(n).Select(f => new { title = f.Name, value = f.Value }).ToArray() });
        var card = new Dictionary<string, object>
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
            ["actions"] = link is null ? Array.Empty<object>() : [new { type = "Action.OpenUrl", title = AlertText.OpenInConsole, url = link }],
        };
        var message = new
        {
            type = "message",
            attachments = new[] { new { contentType = "application/vnd.microsoft.card.adaptive", contentUrl = (string?)null, content = card } },
        };
        return HttpPost.JsonAsync(clients, url, message, secrets, cancellationToken);
    }
}
