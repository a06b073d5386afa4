using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// A node's name is its identity in the test assignment: a second live process with the same Cluster:NodeName would run
/// the first one's tests a second time, so it refuses to start, saying which name and which start holds it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DuplicateNodeNameTests(MotoFixture moto, PostgresServer postgres) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task A_second_node_with_a_live_nodes_name_refuses_to_start_and_names_the_other_start()
    {
        await using var shared = await postgres.CreateAsync();
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=names-{Guid.NewGuid():n}"];
        await using var first = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=web-1"]);
        var holder = first.Get<ClusterMembership>();
        await Poll.UntilAsync(() => holder.LastHeartbeat is not null, TimeSpan.FromSeconds(30), () => "web-1 never renewed");

        var start = async () => { await using var second = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=web-1"]); };

        (await start.Should().ThrowAsync<NodeNameTakenException>())
            .WithMessage($"*'web-1'*{holder.StartId}*Cluster:NodeName*");
        // The first node keeps its name and its place.
        holder.IsFenced.Should().BeFalse();
        holder.View.Live.Should().Equal("web-1");
        var ready = "";
        await Poll.UntilAsync(async () =>
        {
            var answer = await first.Anonymous.GetAsync("/healthz/ready");
            ready = await answer.Content.ReadAsStringAsync();
            return answer.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), () => $"web-1 not ready: {ready}");
    }
}
