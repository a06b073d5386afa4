using BlazorAwsConsole.Access;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Instance = BlazorAwsConsole.Fleet.Instance;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.JumpServers;

/// <summary>A jump server as the page and the API show it.</summary>
public sealed record JumpServerDto(
    string InstanceId, string Name, string Region, string State, string Template, int? TemplateId, int? TemplateVersion,
    string LaunchedBy, DateTime? LaunchTime, DateTime? ExpiresAt, double? MinutesLeft, string TtlAction,
    string? PublicIp, string? PrivateIp, string? KeyName, string ConnectCommand)
{
    public static JumpServerDto From(Instance i, DateTime now)
    {
        var expires = JumpServerTags.ParseExpiry(i.Tags);
        return new JumpServerDto(i.InstanceId, i.Name, i.Region, i.State,
            i.Tags.GetValueOrDefault(JumpServerTags.Template, ""),
            int.TryParse(i.Tags.GetValueOrDefault(JumpServerTags.TemplateId), out var id) ? id : null,
            int.TryParse(i.Tags.GetValueOrDefault(JumpServerTags.TemplateVersion), out var v) ? v : null,
            i.Tags.GetValueOrDefault(JumpServerTags.LaunchedBy, ""), i.LaunchTime, expires,
            expires is { } at ? Math.Round((at - now).TotalMinutes, 1) : null,
            JumpServerTags.ParseAction(i.Tags).ToString().ToLowerInvariant(), i.PublicIp, i.PrivateIp, i.KeyName, ConnectCommandFor(i));
    }

    /// <summary>SSH to the public address; without one, a Session Manager session (needs the SSM agent and an instance profile).</summary>
    public static string ConnectCommandFor(Instance i) => i.PublicIp is { } ip
        ? $"ssh {(i.KeyName is { } key ? $"-i ~/.ssh/{key}.pem " : "")}ec2-user@{ip}"
        : $"aws ssm start-session --target {i.InstanceId} --region {i.Region}";
}

/// <summary>Lists jump servers from the fleet snapshot and moves their expiry.</summary>
public sealed class JumpServerService(
    FleetSnapshot snapshot,
    IDbContextFactory<ConsoleDbContext> contexts,
    AwsClientFactory aws,
    FleetSyncService sync,
    AuditLog audit,
    TimeProvider time,
    ILogger<JumpServerService> logger)
{
    public const int MaxExtensionMinutes = TemplateValidator.MaxTtlMinutes;

    /// <summary>Jump servers not yet terminated, soonest to expire first.</summary>
    public IReadOnlyList<Instance> List() => snapshot.Instances
        .Where(i => JumpServerTags.IsJumpServer(i) && i.State != "terminated")
        .OrderBy(i => JumpServerTags.ParseExpiry(i.Tags) ?? DateTime.MaxValue)
        .ThenBy(i => i.InstanceId, StringComparer.Ordinal)
        .ToList();

    /// <summary>Moves the expiry <paramref name="minutes"/> later (from now when it already passed).</summary>
    public async Task<ActionOutcome> ExtendAsync(string instanceId, int minutes, Caller caller, CancellationToken cancellationToken)
    {
        var outcome = await ExtendAsync(instanceId, minutes, caller.Name, cancellationToken);
        await audit.WriteAsync(caller.Name, caller.Address, "jumpserver.extend", instanceId,
            outcome.Succeeded ? $"ok: +{minutes} min" : $"{outcome.Status.ToString().ToLowerInvariant()}: {outcome.Message}", CancellationToken.None);
        return outcome;
    }

    private async Task<ActionOutcome> ExtendAsync(string instanceId, int minutes, string actor, CancellationToken cancellationToken)
    {
        if (snapshot.Find(instanceId) is not { } instance || !JumpServerTags.IsJumpServer(instance))
        {
            return new ActionOutcome(ActionStatus.NotFound, $"{instanceId} is not a jump server in the inventory.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var region = await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == instance.Region, cancellationToken);
        if (region is null) return new ActionOutcome(ActionStatus.NotFound, $"Region {instance.Region} is no longer watched.");

        var now = time.GetUtcNow().UtcDateTime;
        var current = JumpServerTags.ParseExpiry(instance.Tags);
        var next = (current is { } at && at > now ? at : now).AddMinutes(minutes);
        try
        {
            await aws.Ec2(region.Code, region.ServiceUrl).CreateTagsAsync(new CreateTagsRequest
            {
                Resources = [instanceId],
                Tags = [new Tag(JumpServerTags.ExpiresAt, JumpServerTags.Format(next))],
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ActionOutcome(AwsErrors.IsRefusal(ex) ? ActionStatus.Refused : ActionStatus.Failed, AwsErrors.Describe(ex));
        }
        var record = InstanceDiff.Change(instance, ChangeKind.TtlExtended, "ttl", current is null ? null : JumpServerTags.Format(current.Value),
            JumpServerTags.Format(next), now, actor);
        await sync.RefreshInstanceAsync(region, instanceId, actor, [record], cancellationToken);
        logger.LogInformation("{Actor} extended jump server {InstanceId} to {ExpiresAt}", actor, instanceId, next);
        return new ActionOutcome(ActionStatus.Done, $"{instance.Name} now expires at {JumpServerTags.Format(next)}.", snapshot.Find(instanceId)?.State);
    }
}
