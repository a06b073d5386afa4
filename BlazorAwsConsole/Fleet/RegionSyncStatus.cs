namespace BlazorAwsConsole.Fleet;

/// <summary>
/// How the last polls of one region went, as every page shows it: the region's stored poll status
/// (<see cref="WatchedRegion"/>), with the instance count of this node's snapshot and, while this node reads the
/// region, its progress.
/// </summary>
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

    /// <summary>The stored status of <paramref name="region"/>; a region never polled is due at <paramref name="now"/>.</summary>
    public static RegionSyncStatus Of(WatchedRegion region, int instanceCount, DateTime now) => new(region.Code, region.Name, region.LastSyncedAt,
        region.LastAttemptAt, region.LastError, region.ConsecutiveFailures, region.NextAttemptAt ?? now, instanceCount);
}
