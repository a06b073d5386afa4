namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// PagerDuty Events API v2 (POST {endpoint}, by default https://events.pagerduty.com/v2/enqueue): "trigger" when an
/// alert fires (and on its reminders), "acknowledge" and "resolve" with the same dedup_key, bac-alert-{alert id}.
/// </summary>
public sealed class PagerDutySender(IHttpClientFactory clients) : IKindSender
{
    public const string DefaultEndpoint = "https://events.pagerduty.com/v2/enqueue";

    public ChannelKind Kind => ChannelKind.PagerDuty;

    /// <summary>One key per alert, so PagerDuty keeps one incident for it; a test send gets one of its own.</summary>
    public static string DedupKey(AlertNotification n, long? deliveryId) =>
        n.AlertId > 0 ? $"bac-alert-{n.AlertId}" : $"bac-test-{deliveryId ?? n.At.ToUnixTimeSeconds()}";

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var routingKey = secrets.RoutingKey ?? throw new ChannelSendException("Vault holds no PagerDuty routing key for this channel");
        var dedupKey = DedupKey(n, deliveryId);
        object body = n.Status switch
        {
            "acknowledged" => new { routing_key = routingKey, event_action = "acknowledge", dedup_key = dedupKey },
            "resolved" => new { routing_key = routingKey, event_action = "resolve", dedup_key = dedupKey },
            _ => new
            {
                routing_key = routingKey,
                event_action = "trigger",
                dedup_key = dedupKey,
                payload = new
                {
                    summary = AlertText.Cut(NotificationPayload.Headline(n), 1024),
                    source = n.Subject,
                    severity = n.Severity is "critical" or "warning" or "info" ? n.Severity : "error",
                    timestamp = n.At.ToString("O"),
                    component = n.Subject,
                    group = n.RuleName,
                    @class = n.RuleName,
                    custom_details = new { rule = n.RuleName, subject = n.Subject, summary = n.Summary, alert_id = n.AlertId, fired_at = n.FiredAt, reminder = n.Reminder },
                },
                client = "BlazorAwsConsole",
                client_url = link,
                links = link is null ? Array.Empty<object>() : [new { href = link, text = AlertText.OpenInConsole }],
            },
        };
        return HttpPost.JsonAsync(clients, channel.Endpoint ?? DefaultEndpoint, body, secrets, cancellationToken);
    }
}
