namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>What `probe` was told on its command line: where the console is, which location it serves, under which name, with which token.</summary>
public sealed record ProbeAgentOptions(Uri Server, string Location, string Name, string Token)
{
    public const int DefaultSpoolLimit = 50_000;

    /// <summary>Results kept while the console has not acknowledged them (--spool-limit); past it the oldest are dropped and counted.</summary>
    public int SpoolLimit { get; init; } = DefaultSpoolLimit;

    /// <summary>Where the spool is also kept on disk (--spool-dir), so a restarted agent still sends what it had not; null: memory only.</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>Link-local addresses this agent may probe (--link-local-allow a,b; default none), the same guard as the console's setting.</summary>
    public IReadOnlyList<string> LinkLocalAllowList { get; init; } = [];

    /// <summary>Probes run at once at most (--max-concurrency).</summary>
    public int MaxConcurrency { get; init; } = 64;

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
