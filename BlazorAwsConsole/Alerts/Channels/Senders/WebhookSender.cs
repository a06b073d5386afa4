using System.Net.Http.Headers;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>POSTs the notification as camelCase JSON, signed when the channel has an HMAC secret.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "alert-channels";

    public async Task SendAsync(string url, string? hmacSecret, AlertNotification notification, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(notification with { Link = link }, NotificationPayload.Json);
        await PostAsync(url, hmacSecret, body, deliveryId, cancellationToken);
    }

    /// <summary>POSTs a JSON body composed elsewhere (a status page's message to a subscriber's webhook), signed when a secret is given.</summary>
    public async Task PostAsync(string url, string? hmacSecret, byte[] body, long? deliveryId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (deliveryId is { } id) request.Headers.Add(WebhookSigner.DeliveryHeader, id.ToString());
        if (!string.IsNullOrEmpty(hmacSecret))
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToString());
            request.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.Sign(hmacSecret, timestamp, body));
        }
        await HttpPost.SendAsync(clients.CreateClient(ClientName), request, cancellationToken);
    }
}
