namespace BlazorAwsConsole.Cluster;

/// <summary>
/// One member of the cluster as the ClusterMembers table holds it: a node renews its row every Cluster:HeartbeatSeconds
/// (with the database's clock), and a row older than Cluster:MemberTimeoutSeconds is a dead member to every node.
/// </summary>
public sealed class ClusterMember
{
    /// <summary>The node's name (Cluster:NodeName): its identity in the assignment, so a restarted node gets its tests back.</summary>
    public string NodeName { get; set; } = "";

    /// <summary>A new id at every start of the process: a restart, or two processes wrongly sharing a name, shows as a change.</summary>
    public string StartId { get; set; } = "";

    /// <summary>Where the member probes from (Probes:Location; "console" for a console node).</summary>
    public string Location { get; set; } = "console";

    public DateTime StartedAt { get; set; }

    /// <summary>The database's time of the member's last renewal.</summary>
    public DateTime LastHeartbeat { get; set; }

    /// <summary>Tests the member owned at its last renewal.</summary>
    public int TestsOwned { get; set; }

    /// <summary>Scheduled runs the member fired over the minute before its last renewal.</summary>
    public double RunsPerMinute { get; set; }
}
