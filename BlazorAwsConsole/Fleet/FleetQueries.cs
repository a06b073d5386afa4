using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Fleet;

/// <summary>Read side of the fleet, shared by the pages and the API: instances from the snapshot, history from the database.</summary>
public sealed class FleetQueries(FleetSnapshot snapshot, IDbContextFactory<ConsoleDbContext> contexts)
{
    public (IReadOnlyList<Instance> Items, int Total) Instances(InstanceFilter filter, int page, int pageSize)
    {
        var matching = filter.Apply(snapshot.Ordered).ToList();
        return (matching.Skip((page - 1) * pageSize).Take(pageSize).ToList(), matching.Count);
    }

    public async Task<List<InstanceChange>> ChangesAsync(ChangeFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Where(db, filter).OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
    }

    public async Task<int> CountChangesAsync(ChangeFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Where(db, filter).CountAsync(cancellationToken);
    }

    public async Task<List<WatchedRegion>> RegionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken);
    }

    private static IQueryable<InstanceChange> Where(ConsoleDbContext db, ChangeFilter filter)
    {
        var changes = db.InstanceChanges.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.InstanceId)) changes = changes.Where(c => c.InstanceId == filter.InstanceId);
        if (filter.From is { } from) changes = changes.Where(c => c.At >= from);
        if (filter.To is { } to) changes = changes.Where(c => c.At <= to);
        return changes;
    }
}

public sealed record ChangeFilter(string? InstanceId = null, DateTime? From = null, DateTime? To = null);
