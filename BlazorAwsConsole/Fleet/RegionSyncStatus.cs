namespace BlazorAwsConsole.Fleet;

/// <summary>How the last polls of one region went; held in memory per node (writing it every poll would cost a row per region per poll).</summary>
public sealed record RegionSyncStatus(
    string Code,
    string Name,
    DateTime? LastSyncedAt,
    DateTime? LastAttemptAt,
    string? LastError,
    int ConsecutiveFailures,
    DateTime NextAttemptAt,
    int InstanceCount,
    string? Progress = null)
{
    // Progress: while a read is under way, how far it got ("loading: 1,000 of ~2,500 instances"); null otherwise.
    /// <summary>True when the last attempt failed: what is shown is the last good data.</summary>
    public bool IsStale => LastError is not null;
}
