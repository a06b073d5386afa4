using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Fleet;

/// <summary>
/// One action per instance at a time across every node: the action's row in InstanceActionLocks (keyed by the
/// instance) is inserted before EC2 is called and deleted when the action ends. An insert that finds a row is
/// refused with that row, which names the action, the node and who asked. A row left by a node that died lapses
/// after <see cref="Lease"/>. The same code serves one SQLite node.
/// </summary>
public sealed class InstanceActionLocks(IDbContextFactory<ConsoleDbContext> contexts, IOptions<ClusterOptions> cluster, TimeProvider time,
    ILogger<InstanceActionLocks> logger)
{
    /// <summary>Longer than any action takes (EC2's answer, then re-reading the instance), short enough for a dead node's row not to block for long.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Takes the instance for the action: the row taken, or the row in the way (the action in progress).</summary>
    public async Task<(InstanceActionLock? Taken, InstanceActionLock? InProgress)> TryTakeAsync(string instanceId, InstanceAction action, string actor,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var lapsed = await db.InstanceActionLocks.Where(l => l.InstanceId == instanceId && l.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
            if (lapsed > 0) logger.LogWarning("The action lock on {InstanceId} had lapsed (its node stopped mid-action); taken over", instanceId);
            // The usual refusal without a failed insert (and its error log); the key settles a true race.
            if (await db.InstanceActionLocks.AsNoTracking().FirstOrDefaultAsync(l => l.InstanceId == instanceId, cancellationToken) is { } running)
            {
                return (null, running);
            }
            var mine = new InstanceActionLock
            {
                InstanceId = instanceId, Action = action, Node = cluster.Value.EffectiveNodeName, Actor = actor,
                StartedAt = now, ExpiresAt = now + Lease, Token = Guid.NewGuid(),
            };
            db.InstanceActionLocks.Add(mine);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (mine, null);
            }
            catch (DbUpdateException)
            {
                // The key is taken: another action on this instance is running, here or on another node.
                db.Entry(mine).State = EntityState.Detached;
                var theirs = await db.InstanceActionLocks.AsNoTracking().FirstOrDefaultAsync(l => l.InstanceId == instanceId, cancellationToken);
                if (theirs is not null) return (null, theirs);
                if (attempt == 3) throw; // ended between the insert and the read three times: not a conflict to report
            }
        }
    }

    /// <summary>Ends this holding (only this one: a later action's row stays).</summary>
    public async Task ReleaseAsync(InstanceActionLock taken)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await db.InstanceActionLocks.Where(l => l.InstanceId == taken.InstanceId && l.Token == taken.Token).ExecuteDeleteAsync();
    }

    /// <summary>What a refused caller reads (the API's problem detail, the page's message).</summary>
    public static string Describe(InstanceActionLock inProgress) =>
        $"{inProgress.Action} of {inProgress.InstanceId} is in progress on node {inProgress.Node} (asked by {inProgress.Actor} at "
        + $"{inProgress.StartedAt:HH:mm:ss} UTC); try again when it has finished.";
}
