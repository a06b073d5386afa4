using BlazorAwsConsole.Access;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.JumpServers;

/// <summary>
/// Stops or terminates jump servers whose ExpiresAt has passed. Candidates come from the snapshot,
/// but the tags are read again from EC2 right before acting: an instance that is not tagged
/// Role=jump-server there, or whose expiry was moved meanwhile, is left alone.
/// </summary>
public sealed class TtlEnforcer(
    FleetSnapshot snapshot,
    IDbContextFactory<ConsoleDbContext> contexts,
    AwsClientFactory aws,
    InstanceActionService actions,
    TimeProvider time,
    ILogger<TtlEnforcer> logger)
{
    public const string Actor = "ttl";

    /// <returns>The instances acted on.</returns>
    public async Task<IReadOnlyList<string>> EnforceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = snapshot.Instances.Where(i => JumpServerTags.IsJumpServer(i) && JumpServerTags.ParseExpiry(i.Tags) < now && NeedsAction(i.State, JumpServerTags.ParseAction(i.Tags)))
            .ToList();
        if (due.Count == 0) return [];

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var regions = await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Code, cancellationToken);
        var acted = new List<string>();
        foreach (var candidate in due)
        {
            if (!regions.TryGetValue(candidate.Region, out var region)) continue;
            try
            {
                var response = await aws.Ec2(region.Code, region.ServiceUrl).DescribeInstancesAsync(
                    new DescribeInstancesRequest { InstanceIds = [candidate.InstanceId] }, cancellationToken);
                var live = (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault();
                if (live is null) continue;
                var tags = Ec2Inventory.TagsOf(live.Tags);
                var expiry = JumpServerTags.ParseExpiry(tags);
                var action = JumpServerTags.ParseAction(tags);
                if (!JumpServerTags.IsJumpServer(tags) || expiry is null || expiry >= now || !NeedsAction(live.State?.Name?.Value, action)) continue;

                var reason = InstanceDiff.Change(candidate, ChangeKind.TtlExpired, "ttl", JumpServerTags.Format(expiry.Value),
                    action.ToString().ToLowerInvariant(), now, Actor);
                var outcome = await actions.ExecuteAsync(candidate.InstanceId, action == TtlAction.Terminate ? InstanceAction.Terminate : InstanceAction.Stop,
                    Caller.System(Actor), cancellationToken, reason);
                if (outcome.Succeeded) acted.Add(candidate.InstanceId);
                else logger.LogWarning("TTL could not {Action} {InstanceId}: {Reason}", action, candidate.InstanceId, outcome.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One instance's failure must not keep the others running past their time.
                logger.LogWarning("TTL check of {InstanceId} failed: {Reason}", candidate.InstanceId, AwsErrors.Describe(ex));
            }
        }
        if (acted.Count > 0) logger.LogInformation("TTL expired {Count} jump server(s): {Instances}", acted.Count, string.Join(", ", acted));
        return acted;
    }

    private static bool NeedsAction(string? state, TtlAction action) => action == TtlAction.Terminate
        ? state is "pending" or "running" or "stopping" or "stopped"
        : state is "pending" or "running";
}
