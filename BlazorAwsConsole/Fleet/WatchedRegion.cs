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
}
