using Microsoft.AspNetCore.SignalR;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// The hub probe agents dial out to (<see cref="AgentProtocol.HubPath"/>), one WebSocket per agent. Only agents that
/// <see cref="AgentGate"/> let through reach it; it registers them, gives each its tests (<see cref="AgentShares"/>: the
/// full list on connecting, then changes, over <see cref="AgentProtocol.TestsChangedMethod"/>), takes their result
/// batches (<see cref="ReportResults"/>) and drops them when they go.
/// </summary>
public sealed class AgentHub(AgentRegistry registry, AgentShares shares, AgentResultIntake intake) : Hub
{
    public override async Task OnConnectedAsync()
    {
        // The gate attached who this is to the request that opened the connection; without it nobody passed the gate.
        var agent = AgentIdentity.Of(Context.GetHttpContext()) ?? throw new HubException("The agent was not authenticated.");
        if (!await registry.RegisterAsync(Context, agent, Context.ConnectionAborted))
            throw new HubException($"An agent named {agent.Name} is already connected to {agent.Token.LocationName}: give this one another --name.");
        // Before the first message from the agent is read: its full list, so a spool sent at once finds its tests assigned.
        await shares.ConnectAsync(Context.ConnectionId, Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        shares.Disconnect(Context.ConnectionId);
        await registry.UnregisterAsync(Context.ConnectionId, CancellationToken.None);
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>A batch of the agent's results, oldest first; answered once every result is stored, found stored already, or refused.</summary>
    public Task<AgentAck> ReportResults(AgentResultBatch batch)
    {
        var agent = AgentIdentity.Of(Context.GetHttpContext()) ?? throw new HubException("The agent was not authenticated.");
        return intake.AcceptAsync(Context.ConnectionId, agent, batch, Context.ConnectionAborted);
    }
}
