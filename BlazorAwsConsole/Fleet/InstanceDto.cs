namespace BlazorAwsConsole.Fleet;

/// <summary>An instance as the REST API shows it (camelCase JSON; names are part of the API contract).</summary>
public sealed record InstanceDto(
    string InstanceId,
    string Name,
    string Region,
    string AvailabilityZone,
    string State,
    string InstanceType,
    string Platform,
    string ImageId,
    string? VpcId,
    string? SubnetId,
    string? PrivateIp,
    string? PublicIp,
    string? PrivateDns,
    string? PublicDns,
    string? KeyName,
    IReadOnlyList<string> SecurityGroups,
    DateTime? LaunchTime,
    IReadOnlyDictionary<string, string> Tags,
    DateTime FirstSeen,
    DateTime LastSeen,
    DateTime StateChangedAt,
    bool Stale,
    StatusChecksDto? StatusChecks,
    IReadOnlyList<ScheduledEventDto> ScheduledEvents)
{
    public static InstanceDto From(Instance i, RegionSyncStatus? region) => new(
        i.InstanceId, i.Name, i.Region, i.AvailabilityZone, i.State, i.InstanceType, i.Platform, i.ImageId,
        i.VpcId, i.SubnetId, i.PrivateIp, i.PublicIp, i.PrivateDns, i.PublicDns, i.KeyName, i.SecurityGroups,
        i.LaunchTime, i.Tags, i.FirstSeen, LastSeenAt(i, region), i.StateChangedAt, region?.IsStale ?? false,
        i.StatusChecks is { } c ? new StatusChecksDto(c.System, c.Instance, c.Ebs) : null,
        i.ScheduledEvents.Select(e => new ScheduledEventDto(e.Code, e.Description, e.NotBefore, e.NotAfter)).ToList());

    /// <summary>Every instance still stored was seen by its region's last good poll.</summary>
    private static DateTime LastSeenAt(Instance i, RegionSyncStatus? region) =>
        region?.LastSyncedAt is { } synced && synced > i.UpdatedAt ? synced : i.UpdatedAt;
}

/// <summary>EC2's status checks (ok, impaired, insufficient-data, initializing, not-applicable); null until first read.</summary>
public sealed record StatusChecksDto(string System, string Instance, string Ebs);

public sealed record ScheduledEventDto(string Code, string Description, DateTime? NotBefore, DateTime? NotAfter);

public sealed record InstanceDetailDto(InstanceDto Instance, IReadOnlyList<ChangeDto> RecentChanges);

public sealed record ChangeDto(long Id, string InstanceId, string InstanceName, string Region, string Kind, string Field,
    string? OldValue, string? NewValue, DateTime At, string? ChangedBy)
{
    public static ChangeDto From(InstanceChange c) => new(c.Id, c.InstanceId, c.InstanceName, c.Region,
        c.Kind.ToString().ToLowerInvariant(), c.Field, c.OldValue, c.NewValue, c.At, c.ChangedBy ?? "poll");
}

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public sealed record ActionRequest(string? Action);

public sealed record ActionResponse(string InstanceId, string Action, string? State, string Message);
