using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>
/// Real agent processes (`dotnet BlazorAwsConsole.dll probe …`) against a real console (Kestrel on loopback, SQLite) and a
/// real HTTP target that records every request: agents receive their location's tests, run them on the aligned times, and
/// the console stores their results once, with the agent's location; a killed agent's tests move to the other agent of its
/// location; a console restart loses no result made while it was away.
/// </summary>
public sealed class AgentRunsTests : IAsyncLifetime
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(60);
    private const int Every = ProbeOptions.MinFrequencySeconds;
    private readonly MotoFixture _moto = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private HitCountingTarget _target = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _target = await HitCountingTarget.StartAsync();
    }

    public async Task DisposeAsync()
    {
        // Agents first (they hold connections to the console), then consoles.
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        await _target.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<ConsoleHost> ConsoleAsync(params string[] settings)
    {
        var console = await ConsoleHost.StartAsync(_moto, settings);
        _owned.Insert(0, console);
        return console;
    }

    private AgentProcess StartAgent(ConsoleHost console, string token, string location, string name)
    {
        var agent = AgentProcess.Start(token, "--server", console.BaseAddress.ToString(), "--location", location, "--name", name);
        _owned.Add(agent);
        return agent;
    }

    private static async Task<(int Id, string Token)> LocationWithTokenAsync(ConsoleHost console, string name)
    {
        var added = await console.Http.PostAsJsonAsync("/api/probe-locations", new { name });
        added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var made = await console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/tokens", new { name = "agents" });
        return (id, (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
    }

    private async Task<int> TestAsync(ConsoleHost console, string name, params string[] locations)
    {
        var created = await console.Http.PostAsJsonAsync("/api/synthetic/tests", new Dictionary<string, object?>
        {
            ["name"] = name, ["type"] = "http", ["target"] = _target.Url(name), ["frequencySeconds"] = Every, ["timeoutSeconds"] = 5, ["locations"] = locations,
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private static async Task<JsonElement[]> AgentsAsync(ConsoleHost console, int locationId) =>
        [.. (await console.Http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{locationId}")).GetProperty("agents").EnumerateArray()];

    private static async Task<List<ProbeResult>> StoredAsync(ConsoleHost console, int testId)
    {
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.ProbeResults.AsNoTracking().Where(r => r.TestId == testId).OrderBy(r => r.ScheduledAt).ToListAsync();
    }

    [Fact]
    public async Task An_agent_runs_its_locations_test_beside_the_console_and_both_locations_results_are_stored_and_judged()
    {
        var console = await ConsoleAsync();
        var (locationId, token) = await LocationWithTokenAsync(console, "vpc-a");
        var id = await TestAsync(console, "both places", "console", "vpc-a");
        var agent = StartAgent(console, token, "vpc-a", "agent-a1");

        await Poll.UntilAsync(async () => (await StoredAsync(console, id)).Select(r => r.Location).Distinct().Count() == 2, TimeSpan.FromSeconds(60),
            () => $"results of both locations were never stored\n{agent.Output}");

        var fromAgent = await console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={id}&location=vpc-a");
        fromAgent.GetProperty("total").GetInt32().Should().BeGreaterThan(0);
        var item = fromAgent.GetProperty("items")[0];
        item.GetProperty("location").GetString().Should().Be("vpc-a");
        item.GetProperty("source").GetString().Should().Be("agent-a1");
        item.GetProperty("status").GetString().Should().Be("up");
        item.GetProperty("statusCode").GetInt32().Should().Be(200);

        var shown = await console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}");
        shown.GetProperty("locationStatus").EnumerateArray()
            .ToDictionary(r => r.GetProperty("location").GetString()!, r => r.GetProperty("status").GetString())
            .Should().BeEquivalentTo(new Dictionary<string, string?> { ["console"] = "up", ["vpc-a"] = "up" });
        shown.GetProperty("status").GetString().Should().Be("up");

        var listed = (await AgentsAsync(console, locationId)).Should().ContainSingle().Subject;
        listed.GetProperty("testsOwned").GetInt32().Should().Be(1);
        listed.GetProperty("lastResultAt").GetDateTime().Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromSeconds(30));
        listed.GetProperty("spooled").GetInt32().Should().Be(0);
        listed.GetProperty("resultsPerMinute").GetDouble().Should().BeGreaterThan(0, "the agent's results of the last minute are counted");
        agent.Lines.Should().NotContain(line => line.Contains(token), "the token is never logged");
    }

    [Fact]
    public async Task Two_agents_share_a_location_and_when_one_is_killed_the_other_runs_all_its_tests_within_30_s_never_twice_at_once()
    {
        var console = await ConsoleAsync();
        var (locationId, token) = await LocationWithTokenAsync(console, "vpc-b");
        string[] names = ["agent-b1", "agent-b2"];
        var tests = new Dictionary<int, string>();
        // Enough tests that each agent owns some, by the same rendezvous the console uses.
        for (var i = 0; tests.Count < 4 || tests.Keys.Select(t => TestAssignment.Owner(t, names)).Distinct().Count() < 2; i++)
        {
            var name = $"shared-{i}";
            tests[await TestAsync(console, name, "vpc-b")] = name;
        }
        var b1 = StartAgent(console, token, "vpc-b", "agent-b1");
        var b2 = StartAgent(console, token, "vpc-b", "agent-b2");
        await Poll.UntilAsync(async () => (await AgentsAsync(console, locationId)) is { Length: 2 } agents && agents.All(a => a.GetProperty("testsOwned").GetInt32() > 0),
            Connect, () => $"both agents never owned a share\n{b1.Output}\n{b2.Output}");
        var owned = (await AgentsAsync(console, locationId)).ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("testsOwned").GetInt32());
        owned.Values.Sum().Should().Be(tests.Count);
        await Poll.UntilAsync(() => tests.Values.All(name => _target.HitsOf(name).Count > 0), TimeSpan.FromSeconds(45),
            () => $"not every test ran\n{b1.Output}\n{b2.Output}");

        var ofB2 = tests.Where(t => TestAssignment.Owner(t.Key, names) == "agent-b2").ToList();
        b2.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => ofB2.All(t => _target.HitsOf(t.Value).Any(hit => hit > killedAt + TimeSpan.FromSeconds(1))), TimeSpan.FromSeconds(30),
            () => $"agent-b1 did not take over all of agent-b2's tests within 30 s\n{b1.Output}");
        await Poll.UntilAsync(async () => (await AgentsAsync(console, locationId)) is [var only] && only.GetProperty("testsOwned").GetInt32() == tests.Count,
            TimeSpan.FromSeconds(10), () => "the survivor does not own every test");
        foreach (var (id, _) in ofB2)
        {
            // The survivor's results reach the console a batch after its runs.
            await Poll.UntilAsync(async () => (await StoredAsync(console, id)).Any(r => r.ScheduledAt > killedAt.UtcDateTime), TimeSpan.FromSeconds(15),
                () => $"no result of test {id} after the kill was stored\n{b1.Output}");
            (await StoredAsync(console, id)).Where(r => r.ScheduledAt > killedAt.UtcDateTime).Should().OnlyContain(r => r.Source == "agent-b1" && r.Location == "vpc-b");
        }
        // Two runs of one test never closer than half an interval at the target: no double at the join or the takeover.
        foreach (var name in tests.Values)
        {
            var hits = _target.HitsOf(name);
            hits.Zip(hits.Skip(1), (a, b) => b - a).Should().OnlyContain(gap => gap >= TimeSpan.FromSeconds(Every / 2.0), $"{name} was hit at {string.Join(", ", hits.Select(h => h.ToString("HH:mm:ss.fff")))}");
        }
    }

    /// <summary>
    /// A console on a database file and port it can be started on again, a location with a token, one test of it and an
    /// agent running it; returns once a result of the agent is stored.
    /// </summary>
    private async Task<(ConsoleHost First, string[] SameConsole, string Folder, string Token, int TestId, AgentProcess Agent, string[] AgentArgs)> RestartableAsync(
        string location, string test, string agentName, params string[] moreAgentArgs)
    {
        var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        string[] sameConsole = [$"urls=http://127.0.0.1:{MotoFixture.FreePort()}", $"ConnectionStrings:Console=Data Source={Path.Combine(folder, "console.db")}"];
        var first = await ConsoleHost.StartAsync(_moto, sameConsole);
        var (_, token) = await LocationWithTokenAsync(first, location);
        var id = await TestAsync(first, test, location);
        string[] agentArgs = ["--server", first.BaseAddress.ToString(), "--location", location, "--name", agentName, .. moreAgentArgs];
        var agent = AgentProcess.Start(token, agentArgs);
        _owned.Add(agent);
        await Poll.UntilAsync(async () => (await StoredAsync(first, id)).Count > 0, TimeSpan.FromSeconds(45), () => $"no result before the stop\n{agent.Output}");
        return (first, sameConsole, folder, token, id, agent, agentArgs);
    }

    [Fact]
    public async Task While_the_console_is_down_the_agent_keeps_running_and_every_result_of_that_time_is_stored_once_when_it_is_back()
    {
        var (first, sameConsole, folder, _, id, agent, _) = await RestartableAsync("vpc-c", "offline", "agent-c1");

        await first.DisposeAsync();
        var downAt = DateTimeOffset.UtcNow;
        // Down for two and a half intervals: the agent makes two or three runs that it cannot send.
        await Poll.UntilAsync(() => _target.HitsOf("offline").Count(h => h > downAt) >= 2, TimeSpan.FromSeconds(30),
            () => $"the agent stopped running while the console was away\n{agent.Output}");
        await Task.Delay(TimeSpan.FromSeconds(5));
        agent.HasExited.Should().BeFalse();
        var second = await ConsoleAsync(sameConsole);
        var upAt = DateTimeOffset.UtcNow;

        // Every run the target saw has its one stored result (runs go on meanwhile: compare when the agent has caught up).
        await Poll.UntilAsync(async () => (await StoredAsync(second, id)).Count == _target.HitsOf("offline").Count, TimeSpan.FromSeconds(75),
            () => $"stored results never matched the target's {_target.HitsOf("offline").Count} hits\n{agent.Output}");
        var stored = await StoredAsync(second, id);
        stored.Select(r => r.ScheduledAt).Should().OnlyHaveUniqueItems();
        stored.Should().OnlyContain(r => r.Location == "vpc-c" && r.Source == "agent-c1");
        stored.Count(r => r.StartedAt > downAt.UtcDateTime && r.StartedAt < upAt.UtcDateTime).Should().BeGreaterThanOrEqualTo(2, "the runs made while the console was down were sent when it came back");
        foreach (var hit in _target.HitsOf("offline"))
            stored.Should().Contain(r => Math.Abs((r.StartedAt - hit.UtcDateTime).TotalSeconds) < 2, $"the run at {hit:HH:mm:ss.fff} was stored");
        agent.Lines.Count(l => l.Contains("Connected to the console") || l.Contains("Reconnected to the console")).Should().BeGreaterThanOrEqualTo(2, agent.Output);
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_agent_killed_while_the_console_is_down_sends_the_runs_it_had_spooled_after_its_restart_with_the_same_spool_dir()
    {
        var spoolDir = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"), "spool");
        var (first, sameConsole, folder, token, id, agent, agentArgs) = await RestartableAsync("vpc-d", "crashy", "agent-d1", "--spool-dir", spoolDir);

        // The console goes away; the agent makes runs it cannot send, then dies without a chance to do anything (kill -9).
        await first.DisposeAsync();
        var downAt = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => _target.HitsOf("crashy").Count(h => h > downAt) >= 2, TimeSpan.FromSeconds(30),
            () => $"the agent stopped running while the console was away\n{agent.Output}");
        agent.Kill();
        await Poll.UntilAsync(() => agent.HasExited, TimeSpan.FromSeconds(10), () => "the agent did not die");
        var killedAt = DateTimeOffset.UtcNow;
        var madeBeforeTheKill = _target.HitsOf("crashy").Where(h => h > downAt).ToList();

        var second = await ConsoleAsync(sameConsole);
        var restarted = AgentProcess.Start(token, agentArgs);
        _owned.Add(restarted);

        // Every run the dead agent made while the console was away is stored, once.
        await Poll.UntilAsync(async () =>
        {
            var stored = await StoredAsync(second, id);
            return madeBeforeTheKill.All(hit => stored.Any(r => Math.Abs((r.StartedAt - hit.UtcDateTime).TotalSeconds) < 2));
        }, TimeSpan.FromSeconds(60), () => $"the runs made before the kill ({string.Join(", ", madeBeforeTheKill.Select(h => h.ToString("HH:mm:ss.fff")))}) were not all stored\n{restarted.Output}");
        var results = await StoredAsync(second, id);
        results.Select(r => r.ScheduledAt).Should().OnlyHaveUniqueItems();
        results.Count(r => r.StartedAt > downAt.UtcDateTime && r.StartedAt < killedAt.UtcDateTime).Should().BeGreaterThanOrEqualTo(2);
        restarted.Lines.Should().Contain(l => l.Contains("not yet sent from before this start"), restarted.Output);

        // A second agent on the same spool directory is refused with a clear message, not a crash.
        await using var twin = AgentProcess.Start(token, agentArgs);
        await Poll.UntilAsync(() => twin.HasExited, TimeSpan.FromSeconds(30), () => $"a second agent on the same spool ran\n{twin.Output}");
        twin.Output.Should().Contain("--spool-dir").And.Contain("in use");
        try { Directory.Delete(folder, recursive: true); Directory.Delete(Path.GetDirectoryName(spoolDir)!, recursive: true); } catch (IOException) { }
    }
}
