using Amazon.EC2;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Fleet.Events;

/// <summary>What became of one message: applied, or rejected (a poison message: deleted, never retried).</summary>
public sealed record EventOutcome(bool Applied, string Description)
{
    public static EventOutcome Rejected(string reason) => new(false, reason);
}

/// <summary>
/// Applies one EC2 event: re-reads each instance it names with DescribeInstances (the event is a
/// signal, the API is the truth) through <see cref="FleetSyncService.RefreshInstanceAsync"/>, the
/// path every console action takes, so the inventory, the change log and the live feed are updated
/// exactly as after a poll. Notices (Spot interruption, rebalance, AWS Health) are logged with it.
/// A failure to reach AWS is thrown, so the message stays on the queue for its redrive policy.
/// </summary>
public sealed class FleetEventHandler(FleetSyncService sync, FleetSnapshot snapshot, FleetQueries queries, TimeProvider time)
{
    public const string ChangedBy = "event";

    public async Task<EventOutcome> HandleAsync(string body, CancellationToken cancellationToken)
    {
        var parsed = Ec2EventParser.Parse(body);
        if (parsed.Event is not { } ec2Event) return EventOutcome.Rejected(parsed.Rejection!);

        var region = (await queries.RegionsAsync(cancellationToken)).FirstOrDefault(r => r.Code == ec2Event.Region && r.Enabled);
        if (region is null) return EventOutcome.Rejected($"event for {ec2Event.Region}, which is not a watched, enabled region");

        var applied = new List<string>();
        var unknown = new List<string>();
        foreach (var instanceId in ec2Event.InstanceIds)
        {
            var notice = ec2Event.Kind == Ec2EventKind.StateChange ? [] : new[] { Notice(ec2Event, region.Code, instanceId) };
            try
            {
                if (await sync.RefreshInstanceAsync(region, instanceId, ChangedBy, notice, cancellationToken)) applied.Add(instanceId);
                else unknown.Add(instanceId);
            }
            catch (AmazonEC2Exception ex) when (ex.ErrorCode is "InvalidInstanceID.NotFound" or "InvalidInstanceID.Malformed")
            {
                unknown.Add(instanceId);
            }
        }
        return applied.Count > 0
            ? new EventOutcome(true, $"{ec2Event.Kind} for {string.Join(", ", applied)}")
            : EventOutcome.Rejected($"unknown instance {string.Join(", ", unknown)} in {region.Code} ({ec2Event.Kind})");
    }

    private InstanceChange Notice(Ec2Event ec2Event, string region, string instanceId)
    {
        var instance = snapshot.Find(instanceId) ?? new Instance { InstanceId = instanceId, Region = region };
        return InstanceDiff.Change(instance, ChangeKind.AwsNotice, ec2Event.Field, null, ec2Event.Summary,
            time.GetUtcNow().UtcDateTime, ChangedBy);
    }
}
