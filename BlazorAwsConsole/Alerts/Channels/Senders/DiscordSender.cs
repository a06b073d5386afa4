namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// A Discord webhook: "content" (the headline) and one embed coloured by severity with the fields and the
/// link as its url; acknowledgements and resolves are the one line alone. Mentions are never parsed.
/// </summary>
public sealed class DiscordSender(IHttpClientFactory clients) : IKindSender
{
    public ChannelKind Kind => ChannelKind.Discord;

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var url = secrets.WebhookUrl ?? throw new ChannelSendException("Vault holds no Discord webhook URL for this channel");
        var content = AlertText.Cut(AlertText.Title(n) + (AlertText.IsShort(n) && link is not null ? $" {link}" : ""), 2000);
        object payload = AlertText.IsShort(n)
            ? new { content, allowed_mentions = new { parse = Array.Empty<string>() } }
            : new
            {
                content,
                allowed_mentions = new { parse = Array.Empty<string>() },
                embeds = new[]
                {
                    new
                    {
                        title = AlertText.Cut(n.Summary, 256),
                        url = link,
                        color = Convert.ToInt32(AlertText.Colour(n)[1..], 16),
                        fields = AlertText.Fields(n).Select(f => new { name = f.Name, value = AlertText.Cut(f.Value, 1024), inline = true }).ToArray(),
                        timestamp = n.At.ToString("O"),
                    },
                },
            };
        return HttpPost.JsonAsync(clients, url, payload, secrets, cancellationToken);
    }
}
