using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// A node's name is its identity in the test assignment: a second live process with the same Cluster:NodeName would run
/// the first one's tests a second time, so it refuses to start, saying which name and which start holds it; a node
/// restarted after a crash, whose old row is still fresh, waits for that row to go stale and starts.
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

    [Fact]
    public async Task A_node_restarted_after_a_crash_waits_for_its_old_row_to_go_stale_and_starts()
    {
        await using var shared = await postgres.CreateAsync();
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=names-{Guid.NewGuid():n}"];
        await using var other = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=web-1"]);
        // What a kill -9 of web-2 leaves behind: its row, renewed a moment ago, by a start that is gone.
        await using (var connection = new Npgsql.NpgsqlConnection(shared.ConnectionString))
        {
            await connection.OpenAsync();
            await using var crashed = new Npgsql.NpgsqlCommand("""
                INSERT INTO "ClusterMembers" ("NodeName", "StartId", "Location", "StartedAt", "LastHeartbeat", "TestsOwned", "RunsPerMinute")
                VALUES ('web-2', 'crashed-start', 'console', now(), now(), 0, 0)
                """, connection);
            await crashed.ExecuteNonQueryAsync();
        }

        await using var restarted = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=web-2"]);

        var membership = restarted.Get<ClusterMembership>();
        membership.StartId.Should().NotBe("crashed-start");
        await Poll.UntilAsync(() => !membership.IsFenced && membership.View.Live.SequenceEqual(["web-1", "web-2"]), TimeSpan.FromSeconds(30),
            () => $"web-2 fenced {membership.IsFenced}, sees [{string.Join(", ", membership.View.Live)}]");
    }
}
