using System.Net.Http.Json;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// Posts to a Slack-compatible incoming webhook: "text" (what notifications and clients without
/// attachments show) and one attachment coloured by severity whose blocks hold the fields.
/// </summary>
public sealed class SlackSender(IHttpClientFactory clients)
{
    public static string ColourOf(AlertNotification notification) =>
        notification.Status == "resolved" ? "#2e7d32" : notification.Severity switch
        {
            "critical" => "#d32f2f",
            "warning" => "#f9a825",
            _ => "#1976d2",
        };

    public async Task SendAsync(string webhookUrl, AlertNotification notification, string? link, CancellationToken cancellationToken)
    {
        var fields = $"*Rule:* {Escape(notification.RuleName)}\n*Subject:* {Escape(notification.Subject)}\n*Severity:* {notification.Severity}\n*Status:* {notification.Status}\n*At:* {notification.At:u}";
        var blocks = new List<object>
        {
            new { type = "section", text = new { type = "mrkdwn", text = $"*{Escape(NotificationPayload.Headline(notification))}*" } },
            new { type = "section", text = new { type = "mrkdwn", text = fields } },
        };
        if (link is not null) blocks.Add(new { type = "context", elements = new[] { new { type = "mrkdwn", text = $"<{link}|Open in the console>" } } });
        var payload = new
        {
            text = NotificationPayload.Headline(notification) + (link is null ? "" : $" {link}"),
            attachments = new[] { new { color = ColourOf(notification), fallback = NotificationPayload.Headline(notification), blocks } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl) { Content = JsonContent.Create(payload) };
        await HttpPost.SendAsync(clients.CreateClient(WebhookSender.ClientName), request, cancellationToken);
    }

    // Slack's mrkdwn gives &, < and > meaning; everything else is shown as written.
    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
