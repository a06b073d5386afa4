using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>Settings section "Alerts:Delivery": how notifications are queued, retried and judged.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Alerts:Delivery";

    /// <summary>Attempts per delivery (the first included) before it is recorded as failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry; each further retry waits twice as long (capped at <see cref="MaxRetrySeconds"/>).</summary>
    [Range(0.01, 3600)]
    public double FirstRetrySeconds { get; set; } = 5;

    [Range(1, 86400)]
    public double MaxRetrySeconds { get; set; } = 3600;

    /// <summary>How long one send may take (connect, TLS, answer).</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>A channel whose last this many deliveries failed is flagged as failing.</summary>
    [Range(1, 1000)]
    public int FailingAfter { get; set; } = 3;

    /// <summary>Notifications waiting to be written as deliveries; beyond this Enqueue drops and logs an error.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// How often the worker looks for due deliveries it was not woken for: rows another node wrote (a node that
    /// died after writing them) and claims that lapsed. Within a node new notifications wake it at once.
    /// </summary>
    [Range(1, 3600)]
    public double PollSeconds { get; set; } = 5;

    /// <summary>
    /// The console's public address (e.g. https://console.example.com), used to make relative alert links absolute.
    /// <c>Console:PublicUrl</c>, when set, is preferred (see <see cref="AlertChannelsFeature"/>).
    /// </summary>
    public string? ConsoleUrl { get; set; }

    /// <summary>The longest Retry-After (HTTP 429 or 5xx) the worker honours; a service asking for longer is tried again after this.</summary>
    [Range(1, 86400)]
    public double MaxRetryAfterSeconds { get; set; } = 900;

    /// <summary>
    /// The wait before the next attempt: the backoff, or the service's Retry-After (capped at
    /// <see cref="MaxRetryAfterSeconds"/>) when that is longer, so a busy service is never asked sooner than it said.
    /// </summary>
    public TimeSpan RetryDelay(int attemptsMade, TimeSpan? retryAfter = null)
    {
        var backoff = TimeSpan.FromSeconds(Math.Min(MaxRetrySeconds, FirstRetrySeconds * Math.Pow(2, Math.Max(0, attemptsMade - 1))));
        if (retryAfter is not { } asked) return backoff;
        var capped = asked > TimeSpan.FromSeconds(MaxRetryAfterSeconds) ? TimeSpan.FromSeconds(MaxRetryAfterSeconds) : asked;
        return capped > backoff ? capped : backoff;
    }
}
