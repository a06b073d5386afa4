namespace BlazorAwsConsole.Fleet;

/// <summary>An EC2 instance as last seen by the inventory poll. Times are UTC.</summary>
public sealed class Instance
{
    public required string InstanceId { get; set; }
    public required string Region { get; set; }
    public string Name { get; set; } = "";
    public string AvailabilityZone { get; set; } = "";
    public string State { get; set; } = "";
    public string InstanceType { get; set; } = "";
    public string Platform { get; set; } = "";
    public string ImageId { get; set; } = "";
    public string? VpcId { get; set; }
    public string? SubnetId { get; set; }
    public string? PrivateIp { get; set; }
    public string? PublicIp { get; set; }
    public string? PrivateDns { get; set; }
    public string? PublicDns { get; set; }
    public string? KeyName { get; set; }
    public List<string> SecurityGroups { get; set; } = [];
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public DateTime? LaunchTime { get; set; }
    public DateTime FirstSeen { get; set; }
    /// <summary>When the row last changed; with no change the region's last sync says when it was last seen.</summary>
    public DateTime UpdatedAt { get; set; }
    public DateTime StateChangedAt { get; set; }
    /// <summary>EC2's status checks as of the last poll; null until DescribeInstanceStatus has answered for it.</summary>
    public StatusChecks? StatusChecks { get; set; }
    /// <summary>Scheduled events EC2 reports for it (completed and canceled ones left out).</summary>
    public List<ScheduledEvent> ScheduledEvents { get; set; } = [];
}
