using System.Collections.Concurrent;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Probes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// Which tests this node's agents run, and telling them. A location's enabled tests are shared among its live agents (the
/// registry's rows, every node's) by the cluster's rendezvous (<see cref="TestAssignment.Owner"/>), so every node computes
/// the same owner. Recomputed when an agent connects, when agents or locations change anywhere
/// (<see cref="ProbeLocationsChanged"/>), when a test changes anywhere (<see cref="SyntheticTestChanged"/>) and every agents'
/// heartbeat (<see cref="AgentShareSync"/>). Each agent gets its full list first on each connection, then changes only.
/// </summary>
/// <remarks>
/// Moves follow the cluster's rule (<see cref="MemberView.TakenFromDead"/>): a test taken from an agent that is gone runs at
/// its next aligned time; one moving from an agent still live starts after <see cref="Settle"/>, two agents' heartbeats —
/// by then the node holding the old owner has read the new list (on the notice, or its next beat) and told it to stop.
/// A test leaves an agent with a grace of one interval in which its results are still taken (a run in flight at the move).
/// </remarks>
public sealed class AgentShares(AgentRegistry registry, ProbeCatalog catalog, IHubContext<AgentHub> hub, IOptionsMonitor<ProbeOptions> probes,
    ClusterMembership membership, TimeProvider time, ILogger<AgentShares> logger)
{
    public static readonly TimeSpan Settle = 2 * AgentProtocol.HeartbeatInterval;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, Share> _shares = new();
    // Per location id: its live agents' names as last read, with the list before the last change.
    private readonly Dictionary<int, MemberView> _views = [];

    private sealed class Share(AgentRegistry.LocalAgent agent)
    {
        public AgentRegistry.LocalAgent Agent { get; } = agent;
        public bool FullSent { get; set; }

        /// <summary>What the agent was last told of <see cref="AgentTestsChange.MayMove"/>.</summary>
        public bool MayMove { get; set; }

        /// <summary>The tests given to the agent, with the version sent. Replaced whole, so the intake reads it without a lock.</summary>
        public volatile IReadOnlyDictionary<int, DateTime> Sent = new Dictionary<int, DateTime>();

        /// <summary>Tests taken from the agent, until when its results of them are still taken.</summary>
        public ConcurrentDictionary<int, DateTimeOffset> LeftAt { get; } = new();
    }

    /// <summary>A connection that passed the gate and registered: it gets its full list before anything else is read from it.</summary>
    public async Task ConnectAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (registry.LocalOf(connectionId) is not { } agent) return;
        _shares[connectionId] = new Share(agent);
        await RecomputeAsync(cancellationToken);
    }

    public void Disconnect(string connectionId) => _shares.TryRemove(connectionId, out _);

    /// <summary>Whether the agent on <paramref name="connectionId"/> runs <paramref name="testId"/>, or did until less than an interval ago.</summary>
    public bool IsAssigned(string connectionId, int testId)
    {
        if (!_shares.TryGetValue(connectionId, out var share)) return false;
        if (share.Sent.ContainsKey(testId)) return true;
        return share.LeftAt.TryGetValue(testId, out var until) && until >= time.GetUtcNow();
    }

    /// <summary>Brings every agent of this node in line with the tests and the live agents as they are now.</summary>
    public async Task RecomputeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var shares = _shares.Values.ToList();
            if (shares.Count == 0) return;
            var locationIds = shares.Select(s => s.Agent.Identity.Token.LocationId).Distinct().ToList();
            var live = await registry.LiveNamesAsync(locationIds, cancellationToken);
            var now = time.GetUtcNow();
            foreach (var id in locationIds)
            {
                var names = live[id];
                var before = _views.GetValueOrDefault(id) ?? MemberView.None;
                _views[id] = before.Live.SequenceEqual(names, StringComparer.Ordinal) && _views.ContainsKey(id) ? before : new MemberView(names, [], now, before.Live);
            }
            var consoleLocation = probes.CurrentValue.LocationName;
            foreach (var share in shares)
            {
                var identity = share.Agent.Identity;
                var view = _views[identity.Token.LocationId];
                var owned = catalog.Tests.Where(t => t.Enabled && t.RunsFrom(identity.Token.LocationName, consoleLocation)
                    && TestAssignment.Owner(t.Id, view.Live) == identity.Name).ToDictionary(t => t.Id);
                // Another node could give this agent's tests to another agent of its location if this node went away: the
                // agent must then stop running them itself before that (AgentProtocol.FenceAfter), or both would run them.
                var mayMove = !membership.Single && membership.View.Live.Count > 1 && view.Live.Count > 1;
                await SendAsync(share, owned, view, mayMove, now, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SendAsync(Share share, Dictionary<int, SyntheticTest> owned, MemberView view, bool mayMove, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var sent = share.Sent;
        var upserts = owned.Values.Where(t => !sent.TryGetValue(t.Id, out var version) || version != t.UpdatedAt)
            .Select(t => AgentTest.From(t, sent.ContainsKey(t.Id) || view.TakenFromDead(t.Id) ? TimeSpan.Zero : Settle)).ToList();
        var deletes = sent.Keys.Where(id => !owned.ContainsKey(id)).ToList();
        foreach (var id in deletes)
        {
            var interval = TimeSpan.FromSeconds(catalog.Find(id)?.FrequencySeconds ?? ProbeOptions.MaxFrequencySeconds);
            share.LeftAt[id] = now + interval;
        }
        foreach (var (id, until) in share.LeftAt)
            if (until < now || owned.ContainsKey(id)) share.LeftAt.TryRemove(id, out _);
        share.Sent = owned.ToDictionary(t => t.Key, t => t.Value.UpdatedAt);
        share.Agent.Activity.TestsOwned = owned.Count;
        if (share.FullSent && upserts.Count == 0 && deletes.Count == 0 && share.MayMove == mayMove) return;
        // A new share has sent nothing yet: its upserts are every test it owns, the full list.
        var change = new AgentTestsChange(!share.FullSent, upserts, share.FullSent ? deletes : [], mayMove);
        share.MayMove = mayMove;
        share.FullSent = true;
        try
        {
            await hub.Clients.Client(share.Agent.Context.ConnectionId).SendAsync(AgentProtocol.TestsChangedMethod, change, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The connection is going; its disconnect removes the share.
            logger.LogWarning("Could not send tests to probe agent {Agent}: {Reason}", share.Agent.Identity.Name, error.Message);
        }
        logger.LogInformation("Probe agent {Agent} of {Location}: {Owned} tests ({Kind}: {Upserts} added or updated, {Deletes} removed)",
            share.Agent.Identity.Name, share.Agent.Identity.Token.LocationName, owned.Count, change.Full ? "full list" : "changes", upserts.Count, deletes.Count);
    }
}
