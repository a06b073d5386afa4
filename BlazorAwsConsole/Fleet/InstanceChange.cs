namespace BlazorAwsConsole.Fleet;

/// <summary>One entry of the automatic change log.</summary>
public sealed class InstanceChange
{
    public long Id { get; set; }
    public required string InstanceId { get; set; }
    public required string Region { get; set; }
    /// <summary>The instance's name when the change happened, so the log stays readable after it is gone.</summary>
    public string InstanceName { get; set; } = "";
    public ChangeKind Kind { get; set; }
    /// <summary>What changed: "state", "instanceType", "tag:env", … empty for appeared/disappeared.</summary>
    public string Field { get; set; } = "";
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public DateTime At { get; set; }
    /// <summary>Who made the change through the console; null when the poll found it.</summary>
    public string? ChangedBy { get; set; }
}

public enum ChangeKind
{
    Appeared,
    Disappeared,
    State,
    Tag,
    InstanceType,
    Address,
    Action,
    /// <summary>The console launched the instance (a jump server from a template, or a new instance).</summary>
    Launched,
    /// <summary>The console launched the instance as a copy of another.</summary>
    Cloned,
    /// <summary>The TTL job stopped or terminated an expired jump server.</summary>
    TtlExpired,
    /// <summary>Someone moved a jump server's expiry.</summary>
    TtlExtended,
    /// <summary>AWS told about the instance through its event queue: a Spot interruption warning, a rebalance recommendation, an AWS Health event.</summary>
    AwsNotice,
    /// <summary>One of EC2's status checks (system, instance, EBS) changed.</summary>
    StatusCheck,
    /// <summary>EC2 scheduled an event for the instance, or one left its list.</summary>
    ScheduledEvent,
}
