namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>What `probe` was told on its command line: where the console is, which location it serves, under which name, with which token.</summary>
public sealed record ProbeAgentOptions(Uri Server, string Location, string Name, string Token)
{
    /// <summary>The version the agent reports: this build's.</summary>
    public string Version { get; init; } = AgentProtocol.CurrentVersionText;

    /// <summary>This process's id for the console: a reconnect of the same process replaces its own registration.</summary>
    public string InstanceId { get; init; } = Guid.NewGuid().ToString("n");

    /// <summary>The hub's URL with what the agent says about itself (never the token: that goes in the Authorization header).</summary>
    public Uri HubUrl
    {
        get
        {
            var hub = new Uri(Server, AgentProtocol.HubPath.TrimStart('/'));
            var query = string.Join('&',
                Pair(AgentProtocol.LocationParameter, Location), Pair(AgentProtocol.AgentParameter, Name),
                Pair(AgentProtocol.VersionParameter, Version), Pair(AgentProtocol.InstanceParameter, InstanceId));
            return new UriBuilder(hub) { Query = query }.Uri;
        }
    }

    private static string Pair(string name, string value) => $"{name}={Uri.EscapeDataString(value)}";
}
