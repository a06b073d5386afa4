namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// A connected agent as the API and the location page show it. <see cref="TestsOwned"/>, <see cref="Spooled"/> and
/// <see cref="LastResultAt"/> are known on the node holding the agent's connection (the tests it gave the agent, the spool
/// depth of its last batch, its last accepted result); another node of a cluster shows them as null (not known there).
/// </summary>
public sealed record ProbeAgentDto(string Name, string? Address, string Version, string Node, DateTime ConnectedSince, DateTime LastSeenAt,
    DateTime? LastResultAt, int? TestsOwned, int? Spooled)
{
    public static ProbeAgentDto From(ConnectedAgent agent, AgentActivity? activity) => new(agent.Name, agent.Address, agent.Version, agent.Node,
        ProbeLocationDto.Utc(agent.ConnectedAt), ProbeLocationDto.Utc(agent.LastSeenAt), activity?.LastResultAt, activity?.TestsOwned, activity?.Spooled);
}
