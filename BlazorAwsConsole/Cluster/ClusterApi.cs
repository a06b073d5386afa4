using BlazorAwsConsole.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorAwsConsole.Cluster;

/// <summary><c>GET /api/cluster</c>: the database provider and the nodes sharing it (Viewer).</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster", Get).WithTags("Cluster").RequireAuthorization(Policies.CanView)
            .WithName("GetCluster").WithSummary("The database provider and every live node with its last scheduler check-in, last heartbeat, tests owned and runs per minute, and the time since the last re-balance; self marks the node that answered");
        return app;
    }

    private static async Task<Ok<ClusterView>> Get(IClusterNodes nodes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await nodes.ListAsync(cancellationToken));
}
