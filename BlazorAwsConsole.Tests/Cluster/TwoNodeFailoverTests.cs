using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// `kill -9` of one of two console processes sharing 200 HTTP tests at 10 s: within 30 s the survivor runs the dead
/// node's triggers (every test is hit again), fleet polls go on there, the dashboard open on the survivor stays live
/// (an instance stopped behind the console's back shows there without a reload), Quartz drops the dead node, and no
/// run was stored twice. Its own moto and PostgreSQL; the two-node classes run one after another, beside the other collections.
/// </summary>
[Collection(TwoNodeCollection.Name)]
public sealed class TwoNodeFailoverTests(MotoFixture moto, PostgresServer postgres, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<MotoFixture>, IClassFixture<PostgresServer>, IClassFixture<BrowserFixture>
{
    private const int Tests = 200;
    private const int IntervalSeconds = 10;
    private const int PollSeconds = 10; // TwoNodeCluster's Fleet:PollIntervalSeconds
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(30); // the issue's deadline

    [Fact]
    public async Task After_kill_9_of_node_A_node_B_runs_every_test_and_polls_within_30_s_and_nothing_is_stored_twice()
    {
        await using var target = await HitCountingTarget.StartAsync();
        using var ec2 = moto.Ec2("us-east-1");
        var instance = await Ec2Fleet.LaunchAsync(ec2, "failover-web");
        List<ClusterProbes.Made> tests = [];
        await using var cluster = await TwoNodeCluster.StartAsync(moto, postgres,
            async nodeA => tests = await ClusterProbes.CreateHttpTestsAsync(nodeA, target, Tests, IntervalSeconds, "failover"));
        await cluster.RunAsync(output, async () =>
        {
            var nodeA = cluster.ClientOf(cluster.NodeA);
            var nodeB = cluster.ClientOf(cluster.NodeB);
            await Poll.UntilAsync(async () => await ClusterProbes.RunsOnNodeAsync(nodeA, tests) > 0 && await ClusterProbes.RunsOnNodeAsync(nodeB, tests) > 0,
                TimeSpan.FromSeconds(90), () => "both nodes running tests");
            // Let both run a full interval side by side, so node A holds its share when it dies.
            var sharing = DateTimeOffset.UtcNow;
            await Poll.UntilAsync(() => Task.FromResult(tests.All(t => target.HitsOf(t.Name).Any(h => h > sharing))),
                TimeSpan.FromSeconds(60), () => "every test hit once with both nodes up");
            // A NOC's screen: the dashboard, open on node B (its own port), showing the one instance running.
            var dashboard = await OpenDashboardAsync(cluster, cluster.NodeB);
            await Expect(dashboard.GetByTestId("dash-state-running")).ToHaveTextAsync("1", new() { Timeout = 60_000 });
            var runsA = await ClusterProbes.RunsOnNodeAsync(nodeA, tests);
            output.WriteLine($"before the kill: node A ran {runsA:0}, node B {await ClusterProbes.RunsOnNodeAsync(nodeB, tests):0} runs");

            await cluster.NodeA.KillAsync();
            var killed = DateTimeOffset.UtcNow;

            // Measured, not only awaited: when each test was first hit after the kill, and when node B first polled.
            var resumed = new Dictionary<string, double>();
            double? polled = null;
            await Poll.UntilAsync(async () =>
            {
                foreach (var test in tests.Where(t => !resumed.ContainsKey(t.Name)))
                {
                    var hit = target.HitsOf(test.Name).FirstOrDefault(h => h > killed);
                    if (hit != default) resumed[test.Name] = (hit - killed).TotalSeconds;
                }
                if (polled is null && await LastPollOnAsync(nodeB) is { } last && last > killed) polled = (last - killed).TotalSeconds;
                return resumed.Count == tests.Count && polled is not null;
            }, TimeSpan.FromSeconds(90), () => $"{resumed.Count} of {Tests} tests hit after the kill; node B polled: {polled?.ToString("0.0") ?? "not yet"}");
            var resumeTimes = resumed.Values.ToList();
            output.WriteLine($"after kill -9 of node A: every test hit again within {resumeTimes.Max():0.0} s (median {ClusterProbes.Percentile(resumeTimes, 50):0.0} s, " +
                $"{resumeTimes.Count(s => s > IntervalSeconds)} tests later than one interval); node B's first fleet poll after it {polled:0.0} s");

            // The dashboard on B stays live: a change only a fleet poll can find (now node B's) reaches the open page.
            var watch = await PageWatch.StartAsync(dashboard, "dash-state-stopped", "1");
            var stopped = DateTimeOffset.UtcNow;
            await Ec2Fleet.StopAsync(ec2, instance);
            var shown = await watch.WaitShownAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"dashboard on node B showed the instance stopped behind the console's back {(shown - stopped).TotalSeconds:0.0} s later " +
                $"(a fleet poll every {PollSeconds} s finds it), without a reload");
            await dashboard.Context.CloseAsync();

            // Node B keeps running them (hits per test resume, not a single recovered run) and Quartz drops node A.
            var again = DateTimeOffset.UtcNow;
            await Poll.UntilAsync(() => Task.FromResult(tests.All(t => target.HitsOf(t.Name).Count(h => h > again) >= 2)),
                TimeSpan.FromSeconds(60), () => "every test hit twice more by node B");
            List<string?> nodes = [];
            await Poll.UntilAsync(async () =>
            {
                var body = await nodeB.GetFromJsonAsync<JsonElement>("/api/cluster");
                nodes = [.. body.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString())];
                return nodes is ["node-b"];
            }, TimeSpan.FromSeconds(60), () => $"nodes: {string.Join(", ", nodes)}");
            output.WriteLine($"node A gone from the node list {(DateTimeOffset.UtcNow - killed).TotalSeconds:0.0} s after the kill");

            // Stored once: per test, never more results than the target saw runs, and no fire time stored twice
            // (results of runs still in flight are left out: only those started 15 s ago or earlier).
            var upTo = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(15);
            var stored = 0;
            var problems = new List<string>();
            foreach (var test in tests)
            {
                var runs = await ClusterProbes.StoredRunsAsync(nodeB, test.Id, DateTimeOffset.UtcNow.AddHours(-1), upTo);
                var hits = target.HitsOf(test.Name).Count;
                stored += runs.Count;
                if (runs.Count > hits) problems.Add($"{test.Name}: {runs.Count} results stored for {hits} runs");
                foreach (var (first, second) in ClusterProbes.SameFireTime(runs, IntervalSeconds))
                {
                    problems.Add($"{test.Name} stored twice for the fire time {first.ScheduledFor:HH:mm:ss.fff}: started {first.StartedAt:HH:mm:ss.fff} and {second.StartedAt:HH:mm:ss.fff}");
                }
            }
            output.WriteLine($"{stored} results stored up to {upTo:T} for {tests.Sum(t => target.HitsOf(t.Name).Count)} hits so far");
            problems.Should().BeEmpty();

            resumeTimes.Max().Should().BeLessThanOrEqualTo(Takeover.TotalSeconds, "node B runs node A's triggers within 30 s");
            // A poll falls due every 10 s: within 30 s of being due, node B runs it.
            polled.Should().BeLessThanOrEqualTo(Takeover.TotalSeconds + PollSeconds, "fleet polls go on on node B");
        });
    }

    /// <summary>A browser signed in (a new Viewer, made through nginx) on <paramref name="node"/>'s own port, on the dashboard.</summary>
    private async Task<Microsoft.Playwright.IPage> OpenDashboardAsync(TwoNodeCluster cluster, ConsoleProcess node)
    {
        var user = $"noc-{Guid.NewGuid():n}"[..20];
        var password = $"Pw-{Guid.NewGuid():n}";
        var created = await cluster.Http.PostAsJsonAsync("/api/access/users", new { name = user, password, role = BlazorAwsConsole.Access.ConsoleRoles.Viewer });
        created.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await browser.OpenAsync(node.BaseAddress, "/", user, password);
    }

    /// <summary>The latest successful poll of any region, as this node's own /api/regions says (each node keeps its poll status in memory).</summary>
    private static async Task<DateTimeOffset?> LastPollOnAsync(HttpClient node)
    {
        var body = await node.GetFromJsonAsync<JsonElement>("/api/regions");
        return body.GetProperty("items").EnumerateArray()
            .Select(r => r.GetProperty("lastSyncedAt"))
            .Where(t => t.ValueKind == JsonValueKind.String)
            .Select(t => (DateTimeOffset?)new DateTimeOffset(ClusterProbes.Utc(t.GetDateTime())))
            .Max();
    }
}
