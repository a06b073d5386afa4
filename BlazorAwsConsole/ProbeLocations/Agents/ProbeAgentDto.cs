namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// A connected agent as the API and the location page show it. <see cref="TestsOwned"/>, <see cref="Spooled"/>,
/// <see cref="LastResultAt"/> and <see cref="ResultsPerMinute"/> are the holding node's figures (the tests it gave the agent,
/// the spool depth of its last batch, its last stored result, results stored over the last minute): live on that node, and
/// on the others as of the agent's last renewal (<see cref="AgentProtocol.HeartbeatInterval"/>).
/// </summary>
public sealed record ProbeAgentDto(string Name, string? Address, string Version, string Node, DateTime ConnectedSince, DateTime LastSeenAt,
    DateTime? LastResultAt, int TestsOwned, int Spooled, double ResultsPerMinute)
{
    public static ProbeAgentDto From(ConnectedAgent agent, AgentActivity? activity) => new(agent.Name, agent.Address, agent.Version, agent.Node,
        ProbeLocationDto.Utc(agent.ConnectedAt), ProbeLocationDto.Utc(agent.LastSeenAt),
        activity is null ? Utc(agent.LastResultAt) : activity.LastResultAt,
        activity?.TestsOwned ?? agent.TestsOwned, activity?.Spooled ?? agent.Spooled, activity?.ResultsPerMinute ?? agent.ResultsPerMinute);

    private static DateTime? Utc(DateTime? at) => at is { } value ? ProbeLocationDto.Utc(value) : null;
}
