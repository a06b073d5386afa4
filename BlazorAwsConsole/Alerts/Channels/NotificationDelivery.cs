namespace BlazorAwsConsole.Alerts.Channels;

public enum DeliveryStatus
{
    Pending,
    Sent,
    Failed,
}

/// <summary>
/// One notification to one channel. Written before the first attempt, so a console that stops
/// with deliveries in flight resumes them at its next start (<see cref="DeliveryWorker"/>).
/// </summary>
public sealed class NotificationDelivery
{
    public long Id { get; set; }

    /// <summary>
    /// The channel it goes through. Null only for a status-page subscriber's webhook, which has its own URL and no
    /// channel (<see cref="SubscriptionId"/>); a subscriber's e-mail goes through the channel whose SMTP server it uses.
    /// </summary>
    public int? ChannelId { get; set; }

    /// <summary>
    /// Set when the row is for a status-page subscriber (confirmation or incident message): <see cref="ISubscriberSender"/>
    /// sends it, and the row goes when the subscription is removed (it names an address).
    /// </summary>
    public long? SubscriptionId { get; set; }

    /// <summary>Null for a "send test".</summary>
    public long? AlertId { get; set; }

    /// <summary>The <see cref="AlertNotification"/> as JSON: what a resumed delivery sends.</summary>
    public required string Payload { get; set; }

    public int Attempts { get; set; }
    public DeliveryStatus Status { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>When a pending delivery is tried next.</summary>
    public DateTime NextAttemptAt { get; set; }

    /// <summary>
    /// The node sending it now (null: nobody). Nodes share the rows, so a node claims a due row before it
    /// sends it and only one node sends each attempt (<see cref="DeliveryClaims"/>).
    /// </summary>
    public string? ClaimedBy { get; set; }

    /// <summary>The claim's lease: past it, a node that died mid-send has let go and another may take the row.</summary>
    public DateTime? ClaimedUntil { get; set; }

    /// <summary>Which claim (one per batch) holds the row, so a node reads back exactly the rows its claim won.</summary>
    public Guid? ClaimToken { get; set; }
}
