namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// Opsgenie Alert API (base {endpoint}, by default https://api.opsgenie.com or https://api.eu.opsgenie.com):
/// create (POST /v2/alerts) with alias bac-alert-{alert id}, then acknowledge and close by that alias,
/// authorised with "Authorization: GenieKey {apiKey}".
/// </summary>
public sealed class OpsgenieSender(IHttpClientFactory clients) : IKindSender
{
    public ChannelKind Kind => ChannelKind.Opsgenie;

    public static string BaseOf(NotificationChannel channel) =>
        (channel.Endpoint ?? (channel.Region == "eu" ? "https://api.eu.opsgenie.com" : "https://api.opsgenie.com")).TrimEnd('/');

    /// <summary>critical P1, warning P3, info P5.</summary>
    public static string PriorityOf(string severity) => severity switch { "critical" => "P1", "warning" => "P3", _ => "P5" };

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var apiKey = secrets.ApiKey ?? throw new ChannelSendException("Vault holds no Opsgenie API key for this channel");
        var alias = PagerDutySender.DedupKey(n, deliveryId);
        var api = BaseOf(channel);
        var (url, body) = n.Status switch
        {
            "acknowledged" => ($"{api}/v2/alerts/{Uri.EscapeDataString(alias)}/acknowledge?identifierType=alias", (object)new { source = "BlazorAwsConsole", note = AlertText.Cut(n.Summary, 25000) }),
            "resolved" => ($"{api}/v2/alerts/{Uri.EscapeDataString(alias)}/close?identifierType=alias", new { source = "BlazorAwsConsole", note = AlertText.Cut(AlertText.ShortLine(n), 25000) }),
            _ => ($"{api}/v2/alerts", new
            {
                message = AlertText.Cut($"{n.Summary}{NotificationPayload.ReminderNote(n)}", 130),
                alias,
                description = AlertText.Cut($"{NotificationPayload.Headline(n)}\nRule: {n.RuleName}\nSubject: {n.Subject}\nAt: {n.At:u}{(link is null ? "" : $"\n{link}")}", 15000),
                priority = PriorityOf(n.Severity),
                source = "BlazorAwsConsole",
                entity = AlertText.Cut(n.Subject, 512),
                tags = new[] { "blazor-aws-console", n.Severity },
                details = new Dictionary<string, string>
                {
                    ["rule"] = n.RuleName, ["subject"] = n.Subject, ["severity"] = n.Severity, ["alertId"] = n.AlertId.ToString(),
                    ["firedAt"] = n.FiredAt?.ToString("O") ?? "", ["reminder"] = n.Reminder.ToString(), ["link"] = link ?? "",
                },
            }),
        };
        return HttpPost.JsonAsync(clients, url, body, secrets, cancellationToken,
            request => request.Headers.TryAddWithoutValidation("Authorization", $"GenieKey {apiKey}"));
    }
}
