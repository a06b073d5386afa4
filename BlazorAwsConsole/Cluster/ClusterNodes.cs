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

/// <summary>
/// This node alone, with its scheduler's check-in: SQLite is one file, one node. (PostgreSQL reads Quartz's
/// scheduler-state table: <see cref="QuartzClusterNodes"/>.)
/// </summary>
public sealed class ThisNodeOnly(Microsoft.Extensions.Options.IOptions<ClusterOptions> options, SchedulerCheckIn checkIn, IConfiguration configuration) : IClusterNodes
{
    private readonly string _provider = Infrastructure.InfrastructureFeature.ProviderOf(configuration).ToString();

    public Task<ClusterView> ListAsync(CancellationToken cancellationToken) => Task.FromResult(new ClusterView(
        _provider, [new ClusterNode(options.Value.EffectiveNodeName, checkIn.Last, Self: true)]));
}
