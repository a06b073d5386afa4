namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// A probe agent connected to one of the console's nodes, in the database so every node lists the same agents (an
/// agent connects to any node; the API and pages may be asked on another). Added when the agent connects, its
/// <see cref="LastSeenAt"/> renewed every few seconds by the node that holds the connection, deleted when it
/// disconnects; a row not renewed for <see cref="AgentProtocol.GoneAfter"/> (its node died) counts as gone and is removed.
/// One agent name per location at a time (unique index).
/// </summary>
public sealed class ConnectedAgent
{
    public int Id { get; set; }
    public int LocationId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The agent process's random id: the same process dialling in again replaces its own row.</summary>
    public string InstanceId { get; set; } = "";

    /// <summary>SignalR's connection id on <see cref="Node"/>.</summary>
    public string ConnectionId { get; set; } = "";

    /// <summary>The token it presented (its id, never the token): revoking that token cuts the agent off.</summary>
    public int TokenId { get; set; }

    public string? Address { get; set; }
    public string Version { get; set; } = "";

    /// <summary>The node holding the connection (Cluster:NodeName).</summary>
    public string Node { get; set; } = "";

    public DateTime ConnectedAt { get; set; }
    public DateTime LastSeenAt { get; set; }

    // What the holding node knows of the agent's work, written at each renewal (at most a heartbeat old on other nodes).
    public int TestsOwned { get; set; }
    public int Spooled { get; set; }
    public DateTime? LastResultAt { get; set; }
    public double ResultsPerMinute { get; set; }
}
