namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// A connected agent as the API and the location page show it. Agents run no tests yet (the next part of issue 22):
/// until tests and results flow, <see cref="LastResultAt"/> is null and <see cref="TestsOwned"/> and
/// <see cref="Spooled"/> are 0 because the agent truly has none, not because they are unknown.
/// </summary>
public sealed record ProbeAgentDto(string Name, string? Address, string Version, string Node, DateTime ConnectedSince, DateTime LastSeenAt,
    DateTime? LastResultAt, int TestsOwned, int Spooled)
{
    public static ProbeAgentDto From(ConnectedAgent agent) => new(agent.Name, agent.Address, agent.Version, agent.Node,
        ProbeLocationDto.Utc(agent.ConnectedAt), ProbeLocationDto.Utc(agent.LastSeenAt), LastResultAt: null, TestsOwned: 0, Spooled: 0);
}
