namespace BlazorAwsConsole.Cluster;

/// <summary>One console node as the cluster sees it.</summary>
public sealed record ClusterNode(string Name, DateTimeOffset? LastCheckIn, bool Self);

/// <summary>What <c>GET /api/cluster</c> and the Cluster page show.</summary>
public sealed record ClusterView(string Provider, IReadOnlyList<ClusterNode> Nodes);

/// <summary>
/// The nodes sharing this console's database. One implementation per Database:Provider: SQLite is one
/// node (this one); a PostgreSQL cluster reads Quartz's scheduler-state table (one row per node with
/// its last check-in).
/// </summary>
public interface IClusterNodes
{
    Task<ClusterView> ListAsync(CancellationToken cancellationToken);
}

/// <summary>SQLite: one file, one node, this one; its check-in is its scheduler's.</summary>
public sealed class SqliteClusterNodes(Microsoft.Extensions.Options.IOptions<ClusterOptions> options, SchedulerCheckIn checkIn) : IClusterNodes
{
    public Task<ClusterView> ListAsync(CancellationToken cancellationToken) => Task.FromResult(new ClusterView(
        Infrastructure.Backup.DatabaseProvider.Sqlite,
        [new ClusterNode(options.Value.EffectiveNodeName, checkIn.Last, Self: true)]));
}
