using System.Net.Http.Json;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// Posts to a Slack-compatible incoming webhook: "text" (what notifications and clients without
/// attachments show) and one attachment coloured by severity whose blocks hold the fields.
/// </summary>
public sealed class SlackSender(IHttpClientFactory clients)
{
    public async Task SendAsync(string webhookUrl, AlertNotification notification, string? link, CancellationToken cancellationToken)
    {
        if (AlertText.IsShort(notification))
        {
            // Acknowledged and resolved: one line ("Resolved after 12 min: …") in the alert's colour.
            var line = AlertText.ShortLine(notification);
            var brief = new
            {
                text = line + (link is null ? "" : $" {link}"),
                attachments = new[] { new { color = AlertText.Colour(notification), fallback = line, blocks = new[] { new { type = "section", text = new { type = "mrkdwn", text = Escape(line) + (link is null ? "" : $" <{link}|{AlertText.OpenInConsole}>") } } } } },
            };
            using var shortRequest = new HttpRequestMessage(HttpMethod.Post, webhookUrl) { Content = JsonContent.Create(brief) };
            await HttpPost.SendAsync(clients.CreateClient(WebhookSender.ClientName), shortRequest, cancellationToken, [webhookUrl]);
            return;
        }
        var fields = string.Join("\n", AlertText.Fields(notification).Select(f => $"*{f.Name}:* {Escape(f.Value)}"));
        var blocks = new List<object>
        {
            new { type = "section", text = new { type = "mrkdwn", text = $"*{Escape(NotificationPayload.Headline(notification))}*" } },
            new { type = "section", text = new { type = "mrkdwn", text = fields } },
        };
        if (link is not null) blocks.Add(new { type = "context", elements = new[] { new { type = "mrkdwn", text = $"<{link}|{AlertText.OpenInConsole}>" } } });
        var payload = new
        {
            text = NotificationPayload.Headline(notification) + (link is null ? "" : $" {link}"),
            attachments = new[] { new { color = AlertText.Colour(notification), fallback = NotificationPayload.Headline(notification), blocks } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl) { Content = JsonContent.Create(payload) };
        await HttpPost.SendAsync(clients.CreateClient(WebhookSender.ClientName), request, cancellationToken, [webhookUrl]);
    }

    private static string Escape(string text) => AlertText.EscapeMarkup(text);
}
