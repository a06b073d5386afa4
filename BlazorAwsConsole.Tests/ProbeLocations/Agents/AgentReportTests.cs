using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>
/// The agents' hub as an agent (or an agent gone wrong) speaks to it, through SignalR's .NET client with a real location
/// token, against a real console: it gets its tests in full, reports results in batches that are acknowledged and stored
/// once, and whatever it may not report (another location's test, a test assigned to another agent, a time far ahead, a
/// batch without an id) is refused, written to the access log, and leaves the hub serving the agent.
/// </summary>
public sealed class AgentReportTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private readonly List<HubConnection> _connections = [];
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        // No timers: the only results are the ones the tests report.
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false");
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<(int Id, string Token)> LocationTokenAsync(string name)
    {
        var added = await _console.Http.PostAsJsonAsync("/api/probe-locations", new { name });
        added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var made = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/tokens", new { name = "agents" });
        return (id, (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
    }

    private async Task<int> TestAsync(string name, params string[] locations)
    {
        var created = await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new Dictionary<string, object?>
        {
            ["name"] = name, ["type"] = "http", ["target"] = $"http://127.0.0.1:9/{name}", ["frequencySeconds"] = 10, ["locations"] = locations,
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    /// <summary>An agent's connection, with every change of tests it receives kept in order.</summary>
    private async Task<(HubConnection Connection, ConcurrentQueue<AgentTestsChange> Changes)> AgentAsync(string token, string location, string name)
    {
        var connection = ProbeAgent.Connect(new ProbeAgentOptions(_console.BaseAddress, location, name, token), new AgentBackoff(_ => { }));
        _connections.Add(connection);
        var changes = new ConcurrentQueue<AgentTestsChange>();
        connection.On<AgentTestsChange>(AgentProtocol.TestsChangedMethod, changes.Enqueue);
        await connection.StartAsync();
        return (connection, changes);
    }

    private static HashSet<int> Held(IEnumerable<AgentTestsChange> changes)
    {
        var held = new HashSet<int>();
        foreach (var change in changes)
        {
            if (change.Full) held.Clear();
            held.ExceptWith(change.Deletes);
            held.UnionWith(change.Upserts.Select(t => t.Id));
        }
        return held;
    }

    private static AgentResult Result(int testId, DateTimeOffset? scheduledAt = null, int urlChars = 10_000)
    {
        var due = scheduledAt ?? TestAssignment.NextFireTime(testId, 10, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30));
        return new AgentResult(1, testId, due, 3, new ProbeOutcome
        {
            Success = true, Reason = "HTTP 200", StartedAt = due + TimeSpan.FromMilliseconds(3), DurationMs = 12, ResponseTimeMs = 12,
            Http = new HttpDetails { StatusCode = 200, FinalUrl = "http://x/" + new string('a', urlChars) },
        });
    }

    private async Task<List<ProbeResult>> StoredAsync(int testId)
    {
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.ProbeResults.AsNoTracking().Where(r => r.TestId == testId).ToListAsync();
    }

    [Fact]
    public async Task An_agent_gets_its_tests_in_full_and_a_batch_sent_twice_is_stored_once()
    {
        var (_, token) = await LocationTokenAsync("vpc-e");
        var id = await TestAsync("batched", "vpc-e");
        var consoleOnly = await TestAsync("console only");
        var (agent, changes) = await AgentAsync(token, "vpc-e", "agent-e1");
        await Poll.UntilAsync(() => Held(changes).Contains(id), TimeSpan.FromSeconds(15), () => "the agent never received its test");
        var first = changes.First();
        first.Full.Should().BeTrue("the first message of a connection is the full list");
        var test = first.Upserts.Single(t => t.Id == id);
        test.FrequencySeconds.Should().Be(10);
        test.Spec.Target.Should().Be("http://127.0.0.1:9/batched");
        test.Spec.Type.Should().Be(ProbeType.Http);
        Held(changes).Should().NotContain(consoleOnly, "a test of another location is never sent");

        var batch = new AgentResultBatch("batch-1", [Result(id)], Spooled: 0, Dropped: 0);
        var ack = await agent.InvokeAsync<AgentAck>(AgentProtocol.ReportResultsMethod, batch);
        ack.Should().BeEquivalentTo(new AgentAck("batch-1", 1, 0, 0, []));
        var again = await agent.InvokeAsync<AgentAck>(AgentProtocol.ReportResultsMethod, batch);
        again.Should().BeEquivalentTo(new AgentAck("batch-1", 0, 1, 0, []), "the answer was lost, the agent sends the batch again");

        var stored = (await StoredAsync(id)).Should().ContainSingle().Subject;
        stored.Location.Should().Be("vpc-e");
        stored.Source.Should().Be("agent-e1");
        stored.Http!.FinalUrl!.Length.Should().BeLessThanOrEqualTo(HttpDetails.MaxUrlChars, "what an agent sends is capped as every run is");
        stored.Http.FinalUrl.Should().Contain("(truncated: ");

        // A change on the console reaches the agent as a change, not a new full list.
        (await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}", new { enabled = false })).EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => !Held(changes).Contains(id), TimeSpan.FromSeconds(15), () => "pausing the test never reached the agent");
        changes.Last().Should().BeEquivalentTo(new AgentTestsChange(false, [], [id]));
    }

    [Fact]
    public async Task Results_of_another_locations_test_or_another_agents_test_are_refused_and_the_refusal_is_in_the_access_log()
    {
        var (locationId, token) = await LocationTokenAsync("vpc-d");
        await LocationTokenAsync("vpc-other");
        string[] names = ["agent-d1", "agent-d2"];
        var (d1, d1Changes) = await AgentAsync(token, "vpc-d", "agent-d1");
        var (_, d2Changes) = await AgentAsync(token, "vpc-d", "agent-d2");
        // Both registered before any test exists (a client's start ends before the hub registered it): no test is
        // ever given to agent-d1 and then moved, which would leave it an interval's grace to report it.
        await Poll.UntilAsync(async () => (await _console.Get<AgentRegistry>().LiveNamesAsync([locationId], CancellationToken.None))[locationId].Count == 2,
            TimeSpan.FromSeconds(10), () => "the two agents were never both registered");
        // A test of vpc-d that the rendezvous gives to agent-d2, one it gives to agent-d1, and one of another location.
        int? ofD2 = null, ofD1 = null;
        for (var i = 0; ofD2 is null || ofD1 is null; i++)
        {
            var id = await TestAsync($"shared-{i}", "vpc-d");
            if (TestAssignment.Owner(id, names) == "agent-d2") ofD2 ??= id;
            else ofD1 ??= id;
        }
        var elsewhere = await TestAsync("elsewhere", "vpc-other");
        await Poll.UntilAsync(() => Held(d2Changes).Contains(ofD2.Value) && Held(d1Changes).Contains(ofD1.Value), TimeSpan.FromSeconds(15),
            () => "the agents never received their shares");
        Held(d1Changes).Should().NotContain(ofD2.Value);

        var ack = await d1.InvokeAsync<AgentAck>(AgentProtocol.ReportResultsMethod, new AgentResultBatch("mixed",
            [Result(ofD2.Value), Result(elsewhere), Result(999_999), Result(ofD1.Value, DateTimeOffset.UtcNow.AddDays(2)), Result(ofD1.Value)], 0, 0));
        ack.Stored.Should().Be(1, "its own test's result is stored");
        ack.Refused.Should().Be(4);
        ack.Refusals.Should().Contain(r => r.Contains($"test {ofD2}") && r.Contains("not assigned to agent agent-d1"))
            .And.Contain(r => r.Contains($"test {elsewhere}") && r.Contains("does not run from location vpc-d"))
            .And.Contain(r => r.Contains("no such test"))
            .And.Contain(r => r.Contains("out of range"));
        (await StoredAsync(ofD2.Value)).Should().BeEmpty();
        (await StoredAsync(elsewhere)).Should().BeEmpty();

        var log = (await _console.Get<AuditLog>().SearchAsync(new AuditFilter(Action: "probe-agent.report"), 0, 50, CancellationToken.None)).Items;
        var refusal = log.Should().ContainSingle().Subject;
        refusal.Actor.Should().Be("agent:agent-d1");
        refusal.Result.Should().Contain("refused 4 of 5").And.Contain("not assigned").And.Contain("does not run from location vpc-d");
        refusal.Address.Should().Be("127.0.0.1");

        // A malformed batch is refused as a whole, in the log too, and the hub goes on serving the agent.
        var bad = await FluentActions.Awaiting(() => d1.InvokeAsync<AgentAck>(AgentProtocol.ReportResultsMethod, new AgentResultBatch("", [Result(ofD1.Value)], 0, 0)))
            .Should().ThrowAsync<HubException>();
        bad.Which.Message.Should().Contain("id of 1 to 64 characters");
        var tooMany = await FluentActions.Awaiting(() => d1.InvokeAsync<AgentAck>(AgentProtocol.ReportResultsMethod,
            new AgentResultBatch("huge", [.. Enumerable.Repeat(Result(ofD1.Value, urlChars: 10), AgentProtocol.MaxResultsPerBatch + 1)], 0, 0))).Should().ThrowAsync<HubException>();
        tooMany.Which.Message.Should().Contain("at most 1000 results");
        d1.State.Should().Be(HubConnectionState.Connected);
        var later = await d1.InvokeAsync<AgentAck>(AgentProtocol.ReportResultsMethod, new AgentResultBatch("after", [Result(ofD1.Value)], 0, 0));
        (later.Stored + later.Duplicates).Should().Be(1, "the hub still takes the agent's results");
        (await _console.Get<AuditLog>().SearchAsync(new AuditFilter(Action: "probe-agent.report"), 0, 50, CancellationToken.None)).Items
            .Should().Contain(e => e.Result.StartsWith("refused batch"));
    }
}
