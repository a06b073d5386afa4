namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>Sends a POST and turns every way it can fail into a <see cref="ChannelSendException"/> with a reason a person can act on.</summary>
internal static class HttpPost
{
    private const int MaxBodyInReason = 200;

    public static async Task SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The reason names the host only: a Slack webhook's path is its credential.
        var host = request.RequestUri!.Authority;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode) return;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            text = text.Length > MaxBodyInReason ? text[..MaxBodyInReason] + "…" : text;
            throw new ChannelSendException($"{host} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(text.Length > 0 ? $": {text.Trim()}" : "")}");
        }
        catch (HttpRequestException ex)
        {
            throw new ChannelSendException($"{host}: {ex.HttpRequestError}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException($"{host} did not answer within {client.Timeout.TotalSeconds:0} s", ex);
        }
    }
}
