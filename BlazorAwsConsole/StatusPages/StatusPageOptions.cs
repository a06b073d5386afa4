using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.StatusPages;

/// <summary>Settings of the public status pages (section "StatusPages"), documented in the README with their defaults.</summary>
public sealed class StatusPageOptions
{
    public const string Section = "StatusPages";

    /// <summary>Anonymous requests per minute per client address to /status/… (its own limit, apart from the API's).</summary>
    [Range(1, 100_000_000)]
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// The longest a cached page is served: what changes by the clock alone (a maintenance window starting, a manual
    /// state running out) shows within this time; everything else is evicted on change.
    /// </summary>
    [Range(1, 3600)]
    public int CacheSeconds { get; set; } = 30;

    /// <summary>Test results and fleet polls evict the cached pages at most once per this many milliseconds.</summary>
    [Range(100, 60_000)]
    public int RefreshMilliseconds { get; set; } = 1000;

    /// <summary>How often the public page's script asks /status/{slug}/api for changes.</summary>
    [Range(5, 3600)]
    public int PageRefreshSeconds { get; set; } = 15;

    /// <summary>
    /// The e-mail notification channel (by name) whose SMTP server and sender address send subscribers' mail; empty: the
    /// pages offer webhook subscriptions only. Links in the mails need Console:PublicUrl.
    /// </summary>
    public string? SubscriptionEmailChannel { get; set; }

    /// <summary>An e-mail subscription not confirmed within this many hours lapses and is removed.</summary>
    [Range(1, 720)]
    public int ConfirmHours { get; set; } = 48;

    /// <summary>At most one confirmation mail per address and page in this many minutes (the form cannot flood an inbox).</summary>
    [Range(0, 1440)]
    public int ConfirmResendMinutes { get; set; } = 10;

    /// <summary>Subscribe, confirm and unsubscribe posts per minute per client address (their own limit, stricter than the page's).</summary>
    [Range(1, 1_000_000)]
    public int SubscribesPerMinute { get; set; } = 10;
}
