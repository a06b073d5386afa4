namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// A send that did not go through, with a reason a person can act on (never a secret).
/// <see cref="Permanent"/>: retrying cannot help (the service refused the request, e.g. HTTP 400 or 401).
/// <see cref="RetryAfter"/>: the service said when to try again (HTTP 429 or 5xx with Retry-After).
/// </summary>
public sealed class ChannelSendException(string message, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; init; }
    public TimeSpan? RetryAfter { get; init; }
}
