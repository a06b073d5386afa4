namespace BlazorAwsConsole.Cluster;

/// <summary>Settings section "Cluster".</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>This node's name in the node list and the logs; empty: the host name and the process id ("web-1-4711").</summary>
    public string? NodeName { get; set; }

    /// <summary>Seconds between this node's scheduler check-ins (a Quartz job that records when it ran).</summary>
    public int CheckInSeconds { get; set; } = 5;

    /// <summary>
    /// PostgreSQL: seconds between re-reads of this node's in-memory views from the database, the safety net
    /// behind the other nodes' notices (a lost notice delays a change by at most this).
    /// </summary>
    public int RefreshSeconds { get; set; } = 60;

    /// <summary>
    /// PostgreSQL: a secret every node of the cluster shares; when set, notices are signed with it (HMAC-SHA256) and a
    /// notice without a valid signature is dropped. Empty: unsigned (a notice can only ask for a re-read).
    /// </summary>
    public string? NoticeKey { get; set; }

    /// <summary>Seconds between renewals of this node's row in the member list (and re-reads of the others').</summary>
    public int HeartbeatSeconds { get; set; } = 3;

    /// <summary>
    /// Seconds without a renewal after which a member is dead to the others and its tests move. A node that has not renewed
    /// for this minus two heartbeats (9 s by default) fences itself: it runs no test until it renews again.
    /// </summary>
    public int MemberTimeoutSeconds { get; set; } = 15;

    public string EffectiveNodeName => string.IsNullOrWhiteSpace(NodeName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : NodeName.Trim();
}
