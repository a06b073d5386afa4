namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// A Google Chat space webhook: "text" (the headline, which notifications show) and a cardsV2 card with
/// the fields and an "Open in the console" button; acknowledgements and resolves are the text alone.
/// </summary>
public sealed class GoogleChatSender(IHttpClientFactory clients) : IKindSender
{
    public ChannelKind Kind => ChannelKind.GoogleChat;

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var url = secrets.WebhookUrl ?? throw new ChannelSendException("Vault holds no Google Chat webhook URL for this channel");
        // Chat's text links are <url|label>; &, < and > are escaped as in HTML.
        var text = AlertText.EscapeMarkup(AlertText.Title(n)) + (link is null ? "" : $" <{link}|{AlertText.OpenInConsole}>");
        if (AlertText.IsShort(n)) return HttpPost.JsonAsync(clients, url, new { text }, secrets, cancellationToken);
        var widgets = AlertText.Fields(n).Select(f => (object)new { decoratedText = new { topLabel = f.Name, text = AlertText.EscapeMarkup(f.Value), wrapText = true } }).ToList();
        if (link is not null) widgets.Add(new { buttonList = new { buttons = new[] { new { text = AlertText.OpenInConsole, onClick = new { openLink = new { url = link } } } } } });
        var payload = new
        {
            text,
            cardsV2 = new[]
            {
                new { cardId = $"alert-{n.AlertId}", card = new { header = new { title = AlertText.Cut(NotificationPayload.Headline(n), 200), subtitle = n.RuleName }, sections = new[] { new { widgets } } } },
            },
        };
        return HttpPost.JsonAsync(clients, url, payload, secrets, cancellationToken);
    }
}
