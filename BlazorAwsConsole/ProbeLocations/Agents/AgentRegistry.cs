using System.Collections.Concurrent;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// The agents connected to this node (their hub connections, to cut them off) and the shared table of every node's
/// agents (<see cref="ConnectedAgent"/>). Each change of who is connected is published as <see cref="ProbeLocationsChanged"/>,
/// which the location pages follow and the cluster notices carry to the other nodes.
/// </summary>
public sealed class AgentRegistry(IDbContextFactory<ConsoleDbContext> contexts, LiveFeed feed, TimeProvider time, IOptions<ClusterOptions> cluster,
    IHostApplicationLifetime lifetime, ILogger<AgentRegistry> logger)
{
    private readonly ConcurrentDictionary<string, LocalAgent> _local = new();
    private volatile bool _stopping;

    /// <summary>
    /// This node is stopping: set from <see cref="AgentHeartbeat"/>'s StoppingAsync, the first step of the host's stop, since
    /// the server may close the agents' connections before ApplicationStopping is signalled.
    /// </summary>
    public void MarkStopping() => _stopping = true;

    public string Node { get; } = cluster.Value.EffectiveNodeName;

    /// <summary>An agent whose connection this node holds.</summary>
    public sealed record LocalAgent(HubCallerContext Context, AgentIdentity Identity, AgentActivity Activity);

    /// <summary>This node's agent on connection <paramref name="connectionId"/>, if it holds it.</summary>
    public LocalAgent? LocalOf(string connectionId) => _local.GetValueOrDefault(connectionId);

    public IReadOnlyCollection<LocalAgent> Local => [.. _local.Values];

    private DateTime Now => time.GetUtcNow().UtcDateTime;
    private DateTime GoneBefore => Now - AgentProtocol.GoneAfter;

    /// <summary>The live agent of another process holding <paramref name="name"/> in the location, if any.</summary>
    public async Task<ConnectedAgent?> HolderOfNameAsync(int locationId, string name, string instanceId, CancellationToken cancellationToken)
    {
        var goneBefore = GoneBefore;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ConnectedAgents.AsNoTracking()
            .FirstOrDefaultAsync(a => a.LocationId == locationId && a.Name == name && a.InstanceId != instanceId && a.LastSeenAt >= goneBefore, cancellationToken);
    }

    /// <summary>
    /// Registers a connection: a row of the same agent process (it dialled in again before its old connection was
    /// noticed gone) or a stale one under its name is replaced. False when another live agent holds the name (two
    /// agents raced past the gate; the unique index decides).
    /// </summary>
    public async Task<bool> RegisterAsync(HubCallerContext context, AgentIdentity agent, CancellationToken cancellationToken)
    {
        var now = Now;
        var goneBefore = now - AgentProtocol.GoneAfter;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.ConnectedAgents
            .Where(a => a.LocationId == agent.Token.LocationId && a.Name == agent.Name && (a.InstanceId == agent.InstanceId || a.LastSeenAt < goneBefore))
            .ExecuteDeleteAsync(cancellationToken);
        db.ConnectedAgents.Add(new ConnectedAgent
        {
            LocationId = agent.Token.LocationId, Name = agent.Name, InstanceId = agent.InstanceId, ConnectionId = context.ConnectionId,
            TokenId = agent.Token.TokenId, Address = agent.Address, Version = Truncation.Text(agent.Version, 32), Node = Node, ConnectedAt = now, LastSeenAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return false;
        }
        _local[context.ConnectionId] = new LocalAgent(context, agent, new AgentActivity(time));
        feed.Publish(new ProbeLocationsChanged(agent.Token.LocationId));
        return true;
    }

    public async Task UnregisterAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (!_local.TryRemove(connectionId, out var agent)) return;
        // This node is stopping (its connections close with it): the row is left to go stale after GoneAfter, as a dead
        // node's would, rather than deleted now. Deleting it would let another node hand the agent's tests to another agent
        // at once, while this agent, cut off, still runs them until it fences itself (AgentProtocol.FenceAfter): both
        // would run them. The agent dialling in again (to any node) replaces its own row at once.
        if (_stopping || lifetime.ApplicationStopping.IsCancellationRequested) return;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.ConnectedAgents.Where(a => a.ConnectionId == connectionId).ExecuteDeleteAsync(cancellationToken);
        feed.Publish(new ProbeLocationsChanged(agent.Identity.Token.LocationId));
    }

    /// <summary>
    /// Closes an agent's connection from this side (its token was revoked, or its row was taken over) and unregisters it at
    /// once: the listing and the other nodes need not wait for the connection's close to be noticed, which a busy server
    /// may take a while to do.
    /// </summary>
    public async Task CutOffAsync(LocalAgent agent, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Probe agent {Agent} of {Location} from {Address} cut off: {Reason}",
            agent.Identity.Name, agent.Identity.Token.LocationName, agent.Identity.Address, reason);
        agent.Context.Abort();
        await UnregisterAsync(agent.Context.ConnectionId, cancellationToken);
    }

    /// <summary>
    /// Renews this node's agents' rows with what this node knows of their work (so every node's pages and API show it);
    /// returns the connections whose row is gone (replaced by the same agent elsewhere, or removed as stale).
    /// </summary>
    public async Task<List<LocalAgent>> RenewAsync(IReadOnlyCollection<LocalAgent> agents, CancellationToken cancellationToken)
    {
        if (agents.Count == 0) return [];
        var ids = agents.Select(a => a.Context.ConnectionId).ToList();
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var agent in agents)
        {
            var (owned, spooled, lastResult, perMinute) = (agent.Activity.TestsOwned, agent.Activity.Spooled, agent.Activity.LastResultAt,
                agent.Activity.ResultsPerMinute);
            await db.ConnectedAgents.Where(a => a.ConnectionId == agent.Context.ConnectionId).ExecuteUpdateAsync(set => set
                .SetProperty(a => a.LastSeenAt, now).SetProperty(a => a.TestsOwned, owned).SetProperty(a => a.Spooled, spooled)
                .SetProperty(a => a.LastResultAt, lastResult).SetProperty(a => a.ResultsPerMinute, perMinute), cancellationToken);
        }
        var present = (await db.ConnectedAgents.Where(a => ids.Contains(a.ConnectionId)).Select(a => a.ConnectionId).ToListAsync(cancellationToken)).ToHashSet();
        return [.. agents.Where(a => !present.Contains(a.Context.ConnectionId))];
    }

    /// <summary>Deletes rows no node renewed for <see cref="AgentProtocol.GoneAfter"/> (their node stopped without unregistering them).</summary>
    public async Task RemoveGoneAsync(CancellationToken cancellationToken)
    {
        var goneBefore = GoneBefore;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var locations = await db.ConnectedAgents.Where(a => a.LastSeenAt < goneBefore).Select(a => a.LocationId).Distinct().ToListAsync(cancellationToken);
        if (locations.Count == 0) return;
        await db.ConnectedAgents.Where(a => a.LastSeenAt < goneBefore).ExecuteDeleteAsync(cancellationToken);
        foreach (var location in locations) feed.Publish(new ProbeLocationsChanged(location));
    }

    /// <summary>The live agents of location <paramref name="locationId"/> (of all locations when null), by location, ordered by name.</summary>
    public async Task<ILookup<int, ProbeAgentDto>> LiveAsync(int? locationId, CancellationToken cancellationToken)
    {
        var goneBefore = GoneBefore;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.ConnectedAgents.AsNoTracking().Where(a => a.LastSeenAt >= goneBefore);
        if (locationId is { } id) query = query.Where(a => a.LocationId == id);
        var rows = await query.ToListAsync(cancellationToken);
        return rows.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase)
            .ToLookup(a => a.LocationId, a => ProbeAgentDto.From(a, a.Node == Node ? LocalOf(a.ConnectionId)?.Activity : null));
    }

    /// <summary>The names of the live agents of each location in <paramref name="locationIds"/> (of every node), ordinal order.</summary>
    public async Task<Dictionary<int, List<string>>> LiveNamesAsync(IReadOnlyCollection<int> locationIds, CancellationToken cancellationToken)
    {
        var goneBefore = GoneBefore;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ConnectedAgents.AsNoTracking().Where(a => locationIds.Contains(a.LocationId) && a.LastSeenAt >= goneBefore)
            .Select(a => new { a.LocationId, a.Name }).ToListAsync(cancellationToken);
        return locationIds.ToDictionary(id => id,
            id => rows.Where(r => r.LocationId == id).Select(r => r.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
    }
}
