namespace BlazorAwsConsole.Fleet;

/// <summary>A region the inventory watches, kept in the database and seeded from settings.</summary>
public sealed class WatchedRegion
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>An endpoint for this region only (a VPC endpoint, a proxy, a test double); null uses the default.</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>The SQS queue an EventBridge rule fills with this region's EC2 events; null: the poll alone keeps the region current.</summary>
    public string? EventQueueUrl { get; set; }

    // How the last polls went, written by the node that polled, in the poll's own transaction. Stored (not sent in
    // cluster notices) so whichever node polls next decides on the same facts, and every node shows what is stored.

    /// <summary>When a poll of this region last succeeded.</summary>
    public DateTime? LastSyncedAt { get; set; }
    /// <summary>When this region was last polled, successfully or not.</summary>
    public DateTime? LastAttemptAt { get; set; }
    /// <summary>Why the last poll failed; null when it succeeded.</summary>
    public string? LastError { get; set; }
    /// <summary>Failed polls in a row (the backoff grows with them).</summary>
    public int ConsecutiveFailures { get; set; }
    /// <summary>Not polled before this (a failing region backs off); null: due now.</summary>
    public DateTime? NextAttemptAt { get; set; }
}
