using Amazon.EC2.Model;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Fleet;

public enum InstanceAction
{
    Start,
    Stop,
    Reboot,
    Terminate,
}

public enum ActionStatus
{
    Done,
    NotFound,
    /// <summary>AWS answered and refused (wrong state, no permission, …).</summary>
    Refused,
    /// <summary>AWS could not be reached or failed.</summary>
    Failed,
    /// <summary>The caller's role does not allow the action.</summary>
    Forbidden,
    /// <summary>Another action on the instance is running (on this node or another).</summary>
    InProgress,
}

public sealed record ActionOutcome(ActionStatus Status, string Message, string? State = null)
{
    public bool Succeeded => Status == ActionStatus.Done;
}

/// <summary>Starts, stops, reboots and terminates instances, logs who did it, and shows the result at once.</summary>
public sealed class InstanceActionService(
    FleetSnapshot snapshot,
    IServiceScopeFactory scopes,
    AwsClientFactory aws,
    FleetSyncService sync,
    InstanceActionLocks locks,
    AuditLog audit,
    TimeProvider time,
    ILogger<InstanceActionService> logger)
{
    public static IReadOnlyList<string> ActionNames { get; } =
        Enum.GetNames<InstanceAction>().Select(n => n.ToLowerInvariant()).ToList();

    /// <summary>Who may do what: terminating needs Admin, the rest Operator.</summary>
    public static bool IsAllowed(InstanceAction action, System.Security.Claims.ClaimsPrincipal user) =>
        action == InstanceAction.Terminate ? ConsoleRoles.CanAdminister(user) : ConsoleRoles.CanOperate(user);

    /// <summary>Runs the action if the caller's role allows it, and writes it to the access log whatever happens.</summary>
    /// <param name="cause">Logged with the action when something other than a person asked for it (the TTL job).</param>
    public async Task<ActionOutcome> ExecuteAsync(string instanceId, InstanceAction action, Caller caller, CancellationToken cancellationToken,
        InstanceChange? cause = null)
    {
        var outcome = IsAllowed(action, caller.User)
            ? await RunAsync(instanceId, action, caller.Name, cause, cancellationToken)
            : new ActionOutcome(ActionStatus.Forbidden,
                $"{action} needs the {(action == InstanceAction.Terminate ? ConsoleRoles.Admin : ConsoleRoles.Operator)} role.");
        await audit.WriteAsync(caller.Name, caller.Address, "instance." + action.ToString().ToLowerInvariant(), instanceId,
            outcome.Succeeded ? "ok" : $"{outcome.Status.ToString().ToLowerInvariant()}: {outcome.Message}", CancellationToken.None);
        return outcome;
    }

    private async Task<ActionOutcome> RunAsync(string instanceId, InstanceAction action, string actor, InstanceChange? cause,
        CancellationToken cancellationToken)
    {
        var instance = snapshot.Find(instanceId);
        if (instance is null)
        {
            return new ActionOutcome(ActionStatus.NotFound, $"Instance {instanceId} is not in the inventory.");
        }
        var region = await FindRegionAsync(instance.Region, cancellationToken);
        if (region is null)
        {
            return new ActionOutcome(ActionStatus.NotFound, $"Region {instance.Region} of {instanceId} is no longer watched.");
        }

        var (taken, inProgress) = await locks.TryTakeAsync(instanceId, action, actor, cancellationToken);
        if (taken is null)
        {
            return new ActionOutcome(ActionStatus.InProgress, InstanceActionLocks.Describe(inProgress!));
        }
        try
        {
            return await CallAndRefreshAsync(instance, region, action, actor, cause, cancellationToken);
        }
        finally
        {
            await locks.ReleaseAsync(taken);
        }
    }

    private async Task<ActionOutcome> CallAndRefreshAsync(Instance instance, WatchedRegion region, InstanceAction action, string actor,
        InstanceChange? cause, CancellationToken cancellationToken)
    {
        var instanceId = instance.InstanceId;
        var verb = action.ToString().ToLowerInvariant();
        try
        {
            await CallEc2Async(region, instanceId, action, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = AwsErrors.Describe(ex);
            logger.LogWarning("{Actor} could not {Action} {InstanceId}: {Reason}", actor, verb, instanceId, reason);
            return new ActionOutcome(AwsErrors.IsRefusal(ex) ? ActionStatus.Refused : ActionStatus.Failed, reason);
        }

        logger.LogInformation("{Actor} asked to {Action} {InstanceId} in {Region}", actor, verb, instanceId, region.Code);
        var record = InstanceDiff.Change(instance, ChangeKind.Action, "action", null, verb, time.GetUtcNow().UtcDateTime, actor);
        await sync.RefreshInstanceAsync(region, instanceId, actor, cause is null ? [record] : [cause, record], cancellationToken);

        var state = snapshot.Find(instanceId)?.State;
        return new ActionOutcome(ActionStatus.Done, $"{Capitalized(verb)} sent to {Label(instance)}; it is now {state}.", state);
    }

    /// <summary>Runs one action over several instances; each has its own outcome.</summary>
    public async Task<IReadOnlyList<(string InstanceId, ActionOutcome Outcome)>> ExecuteManyAsync(
        IEnumerable<string> instanceIds, InstanceAction action, Caller caller, CancellationToken cancellationToken)
    {
        var outcomes = new List<(string, ActionOutcome)>();
        foreach (var id in instanceIds.Distinct(StringComparer.Ordinal))
        {
            outcomes.Add((id, await ExecuteAsync(id, action, caller, cancellationToken)));
        }
        return outcomes;
    }

    private async Task CallEc2Async(WatchedRegion region, string instanceId, InstanceAction action, CancellationToken cancellationToken)
    {
        var ec2 = aws.Ec2(region.Code, region.ServiceUrl);
        List<string> ids = [instanceId];
        switch (action)
        {
            case InstanceAction.Start:
                await ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = ids }, cancellationToken);
                break;
            case InstanceAction.Stop:
                await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = ids }, cancellationToken);
                break;
            case InstanceAction.Reboot:
                await ec2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = ids }, cancellationToken);
                break;
            case InstanceAction.Terminate:
                await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = ids }, cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }

    private async Task<WatchedRegion?> FindRegionAsync(string code, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        return await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code, cancellationToken);
    }

    private static string Label(Instance instance) =>
        string.IsNullOrEmpty(instance.Name) ? instance.InstanceId : $"{instance.Name} ({instance.InstanceId})";

    private static string Capitalized(string verb) => char.ToUpperInvariant(verb[0]) + verb[1..];
}
