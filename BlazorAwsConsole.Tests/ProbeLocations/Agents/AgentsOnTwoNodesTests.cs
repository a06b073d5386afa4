using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>
/// Probe agents of one location connected to two console nodes on one PostgreSQL database (real agent processes, real
/// Kestrel nodes, a real HTTP target that records every request): both nodes list both agents and their shares; when the
/// node holding one agent stops, that agent (still running, unable to reach its console) stops its tests before its row
/// goes stale, the agent on the other node takes them all over, and no test is run by both; when the node is back the
/// agent dials in again, the shares are split again and every run it made while cut off is stored once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentsOnTwoNodesTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private const int Every = ProbeOptions.MinFrequencySeconds;
    private const int Tests = 6;
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(60);
    private readonly List<IAsyncDisposable> _owned = [];
    private HitCountingTarget _target = null!;
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _target = await HitCountingTarget.StartAsync();
        _database = await postgres.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        // Agents first (they hold connections to the nodes), then the nodes, then their database.
        foreach (var owned in _owned.OfType<AgentProcess>().Reverse()) await owned.DisposeAsync();
        foreach (var owned in _owned.Where(o => o is not AgentProcess).Reverse()) await owned.DisposeAsync();
        await _target.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<ConsoleHost> NodeAsync(string[] settings)
    {
        var node = await ConsoleHost.StartAsync(moto, postgres, settings);
        _owned.Add(node);
        return node;
    }

    private AgentProcess StartAgent(ConsoleHost node, string token, string location, string name)
    {
        var agent = AgentProcess.Start(token, "--server", node.BaseAddress.ToString(), "--location", location, "--name", name);
        _owned.Add(agent);
        return agent;
    }

    private static async Task<JsonElement[]> AgentsAsync(ConsoleHost node, int locationId) =>
        [.. (await node.Http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{locationId}")).GetProperty("agents").EnumerateArray()];

    private static string Describe(IEnumerable<JsonElement> agents) =>
        string.Join("; ", agents.Select(a => $"{a.GetProperty("name").GetString()} on {a.GetProperty("node").GetString()} owns {a.GetProperty("testsOwned").GetInt32()}"));

    private static async Task<List<ProbeResult>> StoredAsync(ConsoleHost node, int testId)
    {
        await using var db = await node.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.ProbeResults.AsNoTracking().Where(r => r.TestId == testId).OrderBy(r => r.ScheduledAt).ToListAsync();
    }

    [Fact]
    public async Task Agents_of_one_location_on_two_nodes_share_its_tests_and_when_a_node_dies_its_agents_tests_move_to_the_agent_on_the_other_node()
    {
        string[] cluster = [.. _database.Settings, $"Quartz:SchedulerName=agents-{Guid.NewGuid():n}"];
        // Node A listens on a fixed port: it is started again there, and agent 1 dials only it.
        string[] nodeASettings = [.. cluster, $"urls=http://127.0.0.1:{MotoFixture.FreePort()}", "Cluster:NodeName=node-a"];
        var nodeA = await NodeAsync(nodeASettings);
        var nodeB = await NodeAsync([.. cluster, "Cluster:NodeName=node-b"]);
        AgentProcess? agent1 = null, agent2 = null;
        string Diagnostics() => $"{agent1?.Output}\n{agent2?.Output}";
        try
        {
            var added = await nodeA.Http.PostAsJsonAsync("/api/probe-locations", new { name = "vpc-two" });
            added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
            var locationId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
            var made = await nodeA.Http.PostAsJsonAsync($"/api/probe-locations/{locationId}/tokens", new { name = "agents" });
            var token = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            string[] names = ["agent-1", "agent-2"];
            var tests = new Dictionary<int, string>();
            // N tests, of which each agent owns some by the rendezvous every node computes.
            for (var i = 0; tests.Count < Tests || tests.Keys.Select(t => TestAssignment.Owner(t, names)).Distinct().Count() < 2; i++)
            {
                var name = $"two-nodes-{i}";
                var created = await nodeB.Http.PostAsJsonAsync("/api/synthetic/tests", new Dictionary<string, object?>
                {
                    ["name"] = name, ["type"] = "http", ["target"] = _target.Url(name), ["frequencySeconds"] = Every, ["timeoutSeconds"] = 5, ["locations"] = new[] { "vpc-two" },
                });
                created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
                tests[(await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32()] = name;
            }

            agent1 = StartAgent(nodeA, token, "vpc-two", "agent-1");
            agent2 = StartAgent(nodeB, token, "vpc-two", "agent-2");

            // Both nodes list both agents, each on the node that holds it, with shares that add up to every test.
            foreach (var node in new[] { nodeA, nodeB })
            {
                JsonElement[] listed = [];
                await Poll.UntilAsync(async () => (listed = await AgentsAsync(node, locationId)) is { Length: 2 }
                        && listed.All(a => a.GetProperty("testsOwned").GetInt32() > 0) && listed.Sum(a => a.GetProperty("testsOwned").GetInt32()) == tests.Count,
                    Connect, () => $"{node.Get<ClusterMembership>().Self} lists {Describe(listed)}\n{Diagnostics()}");
                listed.ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("node").GetString())
                    .Should().BeEquivalentTo(new Dictionary<string, string?> { ["agent-1"] = "node-a", ["agent-2"] = "node-b" });
            }
            await Poll.UntilAsync(() => tests.Values.All(name => _target.HitsOf(name).Count > 0), TimeSpan.FromSeconds(45),
                () => $"not every test ran\n{Diagnostics()}");

            // Node A stops; agent 1 keeps running but can reach no console.
            _owned.Remove(nodeA);
            await nodeA.DisposeAsync();
            var stoppedAt = DateTimeOffset.UtcNow;
            // A stopping node leaves its agents' rows to go stale, as a dead node's would: deleted at once, the other node would
            // hand agent 1's tests to agent 2 while agent 1, cut off, still runs them.
            await using (var db = await nodeB.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
                (await db.ConnectedAgents.AsNoTracking().Select(a => a.Name).ToListAsync()).Should().Contain("agent-1", "node A's row of agent 1 goes stale, it is not deleted");
            JsonElement[] onB = [];
            await Poll.UntilAsync(async () => (onB = await AgentsAsync(nodeB, locationId)) is [var only]
                    && only.GetProperty("name").GetString() == "agent-2" && only.GetProperty("testsOwned").GetInt32() == tests.Count,
                AgentProtocol.GoneAfter + TimeSpan.FromSeconds(30), () => $"node B lists {Describe(onB)}\n{Diagnostics()}");
            var takenAt = DateTimeOffset.UtcNow;
            // From then on agent 2 runs every test, agent 1's too.
            await Poll.UntilAsync(() => tests.Values.All(name => _target.HitsOf(name).Count(hit => hit > takenAt + TimeSpan.FromSeconds(1)) >= 2),
                TimeSpan.FromSeconds(3 * Every + 15), () => $"agent 2 did not run every test after the takeover\n{Diagnostics()}");
            agent1.HasExited.Should().BeFalse("the agent keeps going while its console is away");
            agent1.Lines.Should().Contain(line => line.Contains("Stopped running"), "agent 1 stopped its tests itself before they moved\n" + agent1.Output);
            foreach (var (id, _) in tests)
                (await StoredAsync(nodeB, id)).Where(r => r.ScheduledAt > takenAt.UtcDateTime).Should().NotBeEmpty()
                    .And.OnlyContain(r => r.Source == "agent-2" && r.Location == "vpc-two");
            NoTestRunTwiceAtOnce(tests.Values);
            output.WriteLine($"node A stopped at {stoppedAt:HH:mm:ss.fff}; node B listed agent 2 alone, owning all {tests.Count}, at {takenAt:HH:mm:ss.fff}");

            // Node A is back on the same database, name and address: agent 1 dials in again, the shares split again, and its
            // runs of the time it was cut off are stored, each (test, scheduled time, location) once.
            var nodeAAgain = await NodeAsync(nodeASettings);
            foreach (var node in new[] { nodeAAgain, nodeB })
            {
                JsonElement[] listed = [];
                await Poll.UntilAsync(async () => (listed = await AgentsAsync(node, locationId)) is { Length: 2 }
                        && listed.All(a => a.GetProperty("testsOwned").GetInt32() > 0) && listed.Sum(a => a.GetProperty("testsOwned").GetInt32()) == tests.Count,
                    TimeSpan.FromSeconds(90), () => $"{node.Get<ClusterMembership>().Self} lists {Describe(listed)} after node A's restart\n{Diagnostics()}");
            }
            var ofAgent1 = tests.Where(t => TestAssignment.Owner(t.Key, names) == "agent-1").ToList();
            var backAt = DateTimeOffset.UtcNow;
            await Poll.UntilAsync(async () =>
            {
                foreach (var (id, _) in ofAgent1)
                    if (!(await StoredAsync(nodeB, id)).Any(r => r.Source == "agent-1" && r.ScheduledAt > backAt.UtcDateTime)) return false;
                return true;
            }, TimeSpan.FromSeconds(3 * Every + 15), () => $"agent 1 does not run its share again\n{Diagnostics()}");
            // Every run the target saw has its one stored result (runs go on: compare once the agents have caught up).
            foreach (var (id, name) in tests)
            {
                var stored = new List<ProbeResult>();
                await Poll.UntilAsync(async () => (stored = await StoredAsync(nodeB, id)).Count == _target.HitsOf(name).Count, TimeSpan.FromSeconds(60),
                    () => $"{name}: {stored.Count} stored, {_target.HitsOf(name).Count} hits at the target\n{Diagnostics()}");
                stored.Select(r => r.ScheduledAt).Should().OnlyHaveUniqueItems();
                stored.Should().OnlyContain(r => r.Location == "vpc-two");
            }
            (await StoredAsync(nodeB, ofAgent1[0].Key)).Should().Contain(r => r.Source == "agent-1" && r.StartedAt > stoppedAt.UtcDateTime && r.StartedAt < takenAt.UtcDateTime,
                "agent 1's runs made while it was cut off (before it stopped them) were sent once its node was back");
            NoTestRunTwiceAtOnce(tests.Values);
        }
        catch
        {
            output.WriteLine(Diagnostics());
            throw;
        }
    }

    /// <summary>Two runs of one test never closer than half an interval at the target: none was run by both agents.</summary>
    private void NoTestRunTwiceAtOnce(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var hits = _target.HitsOf(name);
            hits.Zip(hits.Skip(1), (a, b) => b - a).Should().OnlyContain(gap => gap >= TimeSpan.FromSeconds(Every / 2.0),
                $"{name} was hit at {string.Join(", ", hits.Select(h => h.ToString("HH:mm:ss.fff")))}");
        }
    }
}
