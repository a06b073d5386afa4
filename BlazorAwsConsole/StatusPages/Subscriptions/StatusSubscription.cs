namespace BlazorAwsConsole.StatusPages.Subscriptions;

public enum SubscriptionKind
{
    Email,
    Webhook,
}

/// <summary>
/// A visitor who wants a page's incidents: an e-mail address (active once confirmed through the link mailed to it) or a
/// webhook URL (active at once; it passes the link-local guard on save and on every send). The address is personal
/// data: it is shown to Operators on the page's settings and never written to a log or a public page.
/// </summary>
public sealed class StatusSubscription
{
    public long Id { get; set; }
    public int PageId { get; set; }
    public SubscriptionKind Kind { get; set; }

    /// <summary>The e-mail address (lower case) or the webhook URL.</summary>
    public required string Address { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Null until the link in the confirmation mail is followed; only confirmed subscriptions receive incidents.</summary>
    public DateTime? ConfirmedAt { get; set; }

    /// <summary>SHA-256 of the confirmation token (the token itself is only in the mail); null once confirmed.</summary>
    public string? ConfirmTokenHash { get; set; }

    /// <summary>An unconfirmed subscription is removed after this.</summary>
    public DateTime? ConfirmExpiresAt { get; set; }

    /// <summary>When the last confirmation mail was written (one per address per few minutes, so the form cannot flood an inbox).</summary>
    public DateTime? ConfirmSentAt { get; set; }

    /// <summary>SHA-256 of the unsubscribe token: what the link in every message is looked up by.</summary>
    public required string UnsubscribeTokenHash { get; set; }

    /// <summary>
    /// The unsubscribe token encrypted with the console's data-protection keys (shared by the nodes): every message
    /// carries the link, so the token must be readable at send time, but the database never holds it in clear.
    /// </summary>
    public required string UnsubscribeTokenProtected { get; set; }
}
