using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Which node sends a due delivery. Every node's <see cref="DeliveryWorker"/> reads the same rows, so a node
/// claims a batch before sending it: one conditional UPDATE sets the claim (node, lease, a token of its own)
/// on the rows that are still pending and unclaimed (or whose lease lapsed), and the node sends exactly the
/// rows that carry its token. The database decides between two nodes claiming at once (PostgreSQL re-checks
/// the condition on the row a concurrent claim just committed; SQLite has one writer), so each attempt is
/// made by one node. A node that dies mid-send leaves its lease, which lapses, and another node retries.
/// </summary>
public static class DeliveryClaims
{
    /// <summary>Claims up to <paramref name="batchSize"/> due rows for <paramref name="node"/>; returns the rows won (each with its token).</summary>
    public static async Task<List<NotificationDelivery>> ClaimDueAsync(ConsoleDbContext db, string node, DateTime now, TimeSpan lease,
        int batchSize, CancellationToken cancellationToken)
    {
        var due = await db.NotificationDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(batchSize)
            .Select(d => d.Id)
            .ToListAsync(cancellationToken);
        if (due.Count == 0) return [];
        var token = Guid.NewGuid();
        var until = now + lease;
        // The condition is repeated here: a row another node claimed since the read above is left to it.
        var won = await db.NotificationDeliveries
            .Where(d => due.Contains(d.Id) && d.Status == DeliveryStatus.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.ClaimedBy, node)
                .SetProperty(d => d.ClaimedUntil, until)
                .SetProperty(d => d.ClaimToken, token), cancellationToken);
        if (won == 0) return [];
        return await db.NotificationDeliveries.AsNoTracking()
            .Where(d => due.Contains(d.Id) && d.ClaimToken == token)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>When a pending row next needs this node: its retry time if free, its lease's end if another node holds it.</summary>
    public static async Task<DateTime?> NextDueAsync(ConsoleDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var free = await db.NotificationDeliveries
            .Where(d => d.Status == DeliveryStatus.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .OrderBy(d => d.NextAttemptAt).Select(d => (DateTime?)d.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        var leased = await db.NotificationDeliveries
            .Where(d => d.Status == DeliveryStatus.Pending && d.ClaimedUntil >= now)
            .OrderBy(d => d.ClaimedUntil).Select(d => d.ClaimedUntil).FirstOrDefaultAsync(cancellationToken);
        return free is null ? leased : leased is null ? free : free < leased ? free : leased;
    }

    /// <summary>
    /// Claims a node of this name left (it was restarted): nobody is sending them, so they are free at once
    /// rather than at their lease's end. Node names are unique in a cluster (README).
    /// </summary>
    public static Task<int> ReleaseOwnAsync(ConsoleDbContext db, string node, CancellationToken cancellationToken) =>
        db.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.ClaimedBy == node)
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.ClaimedBy, (string?)null)
                .SetProperty(d => d.ClaimedUntil, (DateTime?)null)
                .SetProperty(d => d.ClaimToken, (Guid?)null), cancellationToken);
}
