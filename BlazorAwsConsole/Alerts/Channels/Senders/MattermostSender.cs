namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// A Mattermost incoming webhook (Slack-compatible body): "text" and one attachment coloured by severity
/// with title, title_link and short fields; acknowledgements and resolves are the text alone.
/// </summary>
public sealed class MattermostSender(IHttpClientFactory clients) : IKindSender
{
    public ChannelKind Kind => ChannelKind.Mattermost;

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var url = secrets.WebhookUrl ?? throw new ChannelSendException("Vault holds no Mattermost webhook URL for this channel");
        var text = AlertText.EscapeMarkup(AlertText.Title(n)) + (link is null ? "" : $" [{AlertText.OpenInConsole}]({link})");
        object payload = AlertText.IsShort(n)
            ? new { text }
            : new
            {
                text,
                attachments = new[]
                {
                    new
                    {
                        fallback = NotificationPayload.Headline(n),
                        color = AlertText.Colour(n),
                        title = AlertText.EscapeMarkup(n.Summary),
                        title_link = link,
                        fields = AlertText.Fields(n).Select(f => new { @short = true, title = f.Name, value = AlertText.EscapeMarkup(f.Value) }).ToArray(),
                    },
                },
            };
        return HttpPost.JsonAsync(clients, url, payload, secrets, cancellationToken);
    }
}
