using System.Net;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// Sends a request and turns every way it can fail into a <see cref="ChannelSendException"/> with a reason a
/// person can act on: a 4xx other than 408/429 is permanent (retrying cannot help); 429 and 5xx carry the
/// service's Retry-After. The reason names the host only, and any secret given is blanked out of it.
/// </summary>
internal static class HttpPost
{
    private const int MaxBodyInReason = 200;

    public static async Task SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken, IEnumerable<string>? secrets = null)
    {
        // The reason names the host only: a webhook's path (Slack, Teams, Discord …) or Telegram's is a credential.
        var host = request.RequestUri!.Authority;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode) return;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            text = text.Length > MaxBodyInReason ? text[..MaxBodyInReason] + "…" : text;
            var status = (int)response.StatusCode;
            var retryAfter = RetryAfter(response);
            var permanent = status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout);
            var why = permanent ? " (not retried: the service refused the request)" : retryAfter is { } wait ? $" (retry after {wait.TotalSeconds:0} s, as the service asked)" : "";
            throw new ChannelSendException(Redact($"{host} answered HTTP {status} {response.ReasonPhrase}{(text.Length > 0 ? $": {text.Trim()}" : "")}{why}", secrets))
            {
                Permanent = permanent,
                RetryAfter = permanent ? null : retryAfter,
            };
        }
        catch (HttpRequestException ex)
        {
            throw new ChannelSendException(Redact($"{host}: {ex.HttpRequestError}: {ex.Message}", secrets), ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException($"{host} did not answer within {client.Timeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>POSTs <paramref name="payload"/> as JSON to <paramref name="url"/> on the channels' client (past the link-local guard).</summary>
    public static async Task JsonAsync(IHttpClientFactory clients, string url, object payload, ChannelSecretValues secrets, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = System.Net.Http.Json.JsonContent.Create(payload) };
        configure?.Invoke(request);
        await SendAsync(clients.CreateClient(WebhookSender.ClientName), request, cancellationToken, secrets.All);
    }

    /// <summary>Retry-After as seconds or as an HTTP date (RFC 9110); null when absent, unreadable or already past.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header) return null;
        var wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>Blanks out every secret (token, key, webhook URL and its path) a reason might carry.</summary>
    internal static string Redact(string reason, IEnumerable<string>? secrets)
    {
        foreach (var secret in secrets ?? [])
        {
            if (secret.Length < 4) continue;
            reason = reason.Replace(secret, "…", StringComparison.Ordinal);
            if (Uri.TryCreate(secret, UriKind.Absolute, out var url) && url.PathAndQuery.Length > 1)
                reason = reason.Replace(url.PathAndQuery, "/…", StringComparison.Ordinal);
        }
        return reason;
    }
}
