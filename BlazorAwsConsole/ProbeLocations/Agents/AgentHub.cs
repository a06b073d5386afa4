using Microsoft.AspNetCore.SignalR;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// The hub probe agents dial out to (<see cref="AgentProtocol.HubPath"/>), one WebSocket per agent. Only agents that
/// <see cref="AgentGate"/> let through reach it; it registers them and drops them when they go. What flows over it
/// next — the console pushing each agent its tests as full/add/update/delete changes, the agent reporting result
/// batches for the console to acknowledge — becomes methods here and on the agent's connection.
/// </summary>
public sealed class AgentHub(AgentRegistry registry) : Hub
{
    public override async Task OnConnectedAsync()
    {
        // The gate attached who this is to the request that opened the connection; without it nobody passed the gate.
        var agent = AgentIdentity.Of(Context.GetHttpContext()) ?? throw new HubException("The agent was not authenticated.");
        if (!await registry.RegisterAsync(Context, agent, Context.ConnectionAborted))
            throw new HubException($"An agent named {agent.Name} is already connected to {agent.Token.LocationName}: give this one another --name.");
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await registry.UnregisterAsync(Context.ConnectionId, CancellationToken.None);
        await base.OnDisconnectedAsync(exception);
    }
}
