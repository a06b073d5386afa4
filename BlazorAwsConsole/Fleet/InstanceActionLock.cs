namespace BlazorAwsConsole.Fleet;

/// <summary>
/// An instance action in progress, held in the database so every node sees it: while a node starts, stops,
/// reboots or terminates an instance, another node (or user) asking for an action on the same instance is
/// refused. One row per instance; deleted when the action ends; a node that died mid-action leaves a row
/// that lapses at <see cref="ExpiresAt"/>.
/// </summary>
public sealed class InstanceActionLock
{
    public required string InstanceId { get; set; }
    public InstanceAction Action { get; set; }
    /// <summary>The node running the action (Cluster:NodeName).</summary>
    public required string Node { get; set; }
    /// <summary>Who asked for it, as the access log names them.</summary>
    public required string Actor { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    /// <summary>This holding of the lock: the holder releases its own row only, never a later one.</summary>
    public Guid Token { get; set; }
}
