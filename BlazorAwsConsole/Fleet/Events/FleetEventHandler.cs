using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Fleet.Events;

/// <summary>What became of one message: applied, or rejected (a poison message: deleted, never retried).</summary>
/// <param name="InstancesLeftOff">Instances the event named past those read per event (worth a warning even when applied).</param>
public sealed record EventOutcome(bool Applied, string Description, int InstancesLeftOff = 0)
{
    public static EventOutcome Rejected(string reason) => new(false, reason);
}

/// <summary>
/// Applies one EC2 event: re-reads the instances it names with one DescribeInstances call (the event is a
/// signal, the API is the truth) through <see cref="FleetSyncService.RefreshInstancesAsync"/>, the path
/// every console action takes, so the inventory, the change log and the live feed are updated exactly as
/// after a poll. Notices (Spot interruption, rebalance, AWS Health) are logged with it.
/// A failure to reach AWS is thrown, so the message stays on the queue for its redrive policy.
/// </summary>
public sealed class FleetEventHandler(FleetSyncService sync, FleetSnapshot snapshot, FleetQueries queries, TimeProvider time)
{
    public const string ChangedBy = "event";

    /// <param name="queueRegion">The region whose queue the message came from.</param>
    public async Task<EventOutcome> HandleAsync(string body, string queueRegion, CancellationToken cancellationToken)
    {
        var parsed = Ec2EventParser.Parse(body);
        if (parsed.Event is not { } ec2Event) return EventOutcome.Rejected(parsed.Rejection!);
        // EventBridge rules are regional, so a queue only ever gets its own region's events: one naming
        // another region was written by someone else, and must not touch that region's instances.
        if (ec2Event.Region != queueRegion) return EventOutcome.Rejected($"event for {ec2Event.Region} on the queue of {queueRegion}");

        var region = (await queries.RegionsAsync(cancellationToken)).FirstOrDefault(r => r.Code == ec2Event.Region && r.Enabled);
        if (region is null) return EventOutcome.Rejected($"event for {ec2Event.Region}, which is not a watched, enabled region");

        // A notice is a claim about an instance, not a change of it: it is kept (and can raise an alert) only
        // for an instance the fleet already knows. A state change may name a new instance; the read stores it.
        var isNotice = ec2Event.Kind != Ec2EventKind.StateChange;
        var toRead = isNotice ? ec2Event.InstanceIds.Where(id => snapshot.Find(id) is not null).ToList() : [.. ec2Event.InstanceIds];
        var listed = toRead.Count == 0 ? new HashSet<string>()
            : await sync.RefreshInstancesAsync(region, toRead, ChangedBy, id => isNotice ? [Notice(ec2Event, region.Code, id)] : [], cancellationToken);
        var applied = toRead.Where(listed.Contains).ToList();
        var leftOff = ec2Event.InstancesLeftOff > 0 ? $" ({ec2Event.InstancesLeftOff:N0} more named, not read)" : "";
        return applied.Count > 0
            ? new EventOutcome(true, $"{ec2Event.Kind} for {Ids(applied)}{leftOff}", ec2Event.InstancesLeftOff)
            : EventOutcome.Rejected($"{(isNotice ? "not in the fleet or not listed by EC2" : "unknown")}: instance {Ids(ec2Event.InstanceIds)} in {region.Code} ({ec2Event.Kind}){leftOff}");
    }

    /// <summary>Ids for a log line: ten, then how many more.</summary>
    private static string Ids(IEnumerable<string> ids) => string.Join(", ", Truncation.List([.. ids], 10));

    private InstanceChange Notice(Ec2Event ec2Event, string region, string instanceId)
    {
        var instance = snapshot.Find(instanceId) ?? new Instance { InstanceId = instanceId, Region = region };
        return InstanceDiff.Change(instance, ChangeKind.AwsNotice, ec2Event.Field, null, ec2Event.Summary,
            time.GetUtcNow().UtcDateTime, ChangedBy);
    }
}
