namespace BlazorAwsConsole.Cluster;

/// <summary>
/// One console node as the cluster sees it: its scheduler check-in, and its membership (last heartbeat by the database's
/// clock, the tests it owns, the scheduled runs it fired over the last minute, where it probes from).
/// </summary>
public sealed record ClusterNode(string Name, DateTimeOffset? LastCheckIn, bool Self, DateTimeOffset? LastHeartbeat = null, int TestsOwned = 0,
    double RunsPerMinute = 0, string Location = "console");

/// <summary>
/// What <c>GET /api/cluster</c> and the Cluster page show: the live members, and when the answering node last saw the
/// member list change (a re-balance of the tests) and how long ago that was.
/// </summary>
public sealed record ClusterView(string Provider, IReadOnlyList<ClusterNode> Nodes, DateTimeOffset? LastRebalance = null, double? SecondsSinceRebalance = null);

/// <summary>
/// The nodes sharing this console's database. One implementation per Database:Provider: SQLite is one
/// node (this one); a PostgreSQL cluster reads the live members and Quartz's scheduler-state table (each node's
/// last scheduler check-in).
/// </summary>
public interface IClusterNodes
{
    Task<ClusterView> ListAsync(CancellationToken cancellationToken);
}

/// <summary>
/// This node alone, with its scheduler's check-in: SQLite is one file, one node. (PostgreSQL reads the member list and
/// Quartz's scheduler-state table: <see cref="QuartzClusterNodes"/>.)
/// </summary>
public sealed class ThisNodeOnly(Microsoft.Extensions.Options.IOptions<ClusterOptions> options, SchedulerCheckIn checkIn, ClusterMembership membership,
    TimeProvider time, IConfiguration configuration) : IClusterNodes
{
    private readonly string _provider = Infrastructure.InfrastructureFeature.ProviderOf(configuration).ToString();

    public Task<ClusterView> ListAsync(CancellationToken cancellationToken) => Task.FromResult(new ClusterView(
        _provider,
        [new ClusterNode(options.Value.EffectiveNodeName, checkIn.Last, Self: true, membership.LastHeartbeat, membership.TestsOwned,
            membership.RunsPerMinute, membership.Location)],
        Rebalance(membership), SinceRebalance(membership, time)));

    internal static DateTimeOffset? Rebalance(ClusterMembership membership) =>
        membership.LastRebalance == DateTimeOffset.MinValue ? null : membership.LastRebalance;

    internal static double? SinceRebalance(ClusterMembership membership, TimeProvider time) =>
        Rebalance(membership) is { } at ? Math.Round(Math.Max(0, (time.GetUtcNow() - at).TotalSeconds), 1) : null;
}
