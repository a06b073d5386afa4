using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Tests by assignment on PostgreSQL: many tests leave no per-test trigger in Quartz's clustered store, every enabled
/// test is owned by exactly one node, and a third node joining takes about a third without a test running twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScaleOutTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const int Tests = 300;
    private const int IntervalSeconds = 10;

    [Fact]
    public async Task A_third_node_takes_about_a_third_within_30_s_no_test_runs_twice_and_the_clustered_store_holds_no_test()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var shared = await postgres.CreateAsync();
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=scale-{Guid.NewGuid():n}", "Logging:LogLevel:BlazorAwsConsole.Probes.ProbeScheduler=Information"];
        // The tests are in the database before any node starts (as after an upgrade), stored straight, no API in the way.
        await using (var seed = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=seed", "Probes:RunOnSchedule=false"]))
        {
            await using var db = await seed.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
            var now = DateTime.UtcNow;
            db.SyntheticTests.AddRange(Enumerable.Range(0, Tests).Select(i => new SyntheticTest
            {
                Name = $"scale-{i:000}", Type = ProbeType.Http, Target = target.Url($"scale-{i:000}"), FrequencySeconds = IntervalSeconds, TimeoutSeconds = 5,
                Enabled = true, CreatedAt = now, UpdatedAt = now,
            }));
            await db.SaveChangesAsync();
        }
        var names = Enumerable.Range(0, Tests).Select(i => $"scale-{i:000}").ToList();
        // Started together: two nodes at once are safe.
        var (a, b) = await ClusterProbes.StartTogetherAsync(moto, postgres, cluster);
        await using var nodeA = a;
        await using var nodeB = b;
        List<ConsoleHost> nodes = [nodeA, nodeB];
        await Poll.UntilAsync(() => OwnedOnce(nodes) && nodes.All(n => n.Get<ProbeScheduler>().Owned.Count > 0), TimeSpan.FromSeconds(60), () => Describe(nodes));
        output.WriteLine($"two nodes: {Describe(nodes)}");
        (await PerTestTriggersAsync(shared)).Should().Be(0, "the clustered store holds no per-test trigger");

        await using var nodeC = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-c"]);
        var joined = DateTimeOffset.UtcNow;
        nodes.Add(nodeC);
        await Poll.UntilAsync(() => OwnedOnce(nodes) && nodeC.Get<ProbeScheduler>().Owned.Count > 0, TimeSpan.FromSeconds(30), () => Describe(nodes));
        var tookOver = DateTimeOffset.UtcNow - joined;
        output.WriteLine($"three nodes {tookOver.TotalSeconds:0.0} s after node C started: {Describe(nodes)}");
        nodeC.Get<ProbeScheduler>().Owned.Count.Should().BeInRange(Tests / 5, Tests / 2, "the third node takes about a third");
        (await PerTestTriggersAsync(shared)).Should().Be(0);

        // Two more intervals with three nodes, then: every test ran in each interval, never twice within one.
        var settled = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => names.All(n => target.HitsOf(n).Count(h => h > settled) >= 2) && nodeC.Get<ProbeEngine>().Finished > 0,
            TimeSpan.FromSeconds(60), () => $"{names.Count(n => target.HitsOf(n).Count(h => h > settled) >= 2)} of {Tests} tests hit twice since the join settled");
        var problems = new List<string>();
        foreach (var name in names)
        {
            var hits = target.HitsOf(name);
            var gaps = hits.Zip(hits.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
            if (gaps.Any(g => g <= IntervalSeconds / 2.0)) problems.Add($"{name} ran twice within an interval: gaps {string.Join(", ", gaps.Select(g => g.ToString("0.0")))}");
            var afterJoin = hits.Where(h => h > joined).ToList();
            var longest = afterJoin.Zip(afterJoin.Skip(1), (a, b) => (b - a).TotalSeconds).DefaultIfEmpty(0).Max();
            if (longest > 2 * IntervalSeconds + 1) problems.Add($"{name} had a gap of {longest:0.0} s after the join");
        }
        problems.Should().BeEmpty();

        var view = nodeC.Get<ClusterMembership>();
        view.View.Live.Should().BeEquivalentTo(["node-a", "node-b", "node-c"]);
    }

    /// <summary>Every enabled test on exactly one node's timers.</summary>
    private static bool OwnedOnce(IReadOnlyList<ConsoleHost> nodes)
    {
        var owned = nodes.SelectMany(n => n.Get<ProbeScheduler>().Owned).ToList();
        return owned.Count == Tests && owned.Distinct().Count() == Tests;
    }

    private static string Describe(IEnumerable<ConsoleHost> nodes) => string.Join("; ", nodes.Select(n =>
        $"{n.Get<ClusterMembership>().Self} owns {n.Get<ProbeScheduler>().Owned.Count}, sees [{string.Join(", ", n.Get<ClusterMembership>().View.Live)}]"));

    private static async Task<long> PerTestTriggersAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'probes'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
