using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Quartz;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Live across nodes: two consoles on one PostgreSQL database tell each other their changes with NOTIFY, and each
/// re-reads what a notice names into its own views (probe catalog, status board, fleet snapshot, alert board).
/// A lost notice is made good by the re-read timer, and a dropped listening connection by a reconnect.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterNoticesTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task A_test_created_on_node_a_is_listed_on_node_b_runs_on_its_owner_only_and_its_result_reaches_both_boards()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var shared = await postgres.CreateAsync();
        var cluster = Cluster(shared);
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        // Both nodes see both as members before the test exists, so they agree on its owner.
        await PollAsync(() => nodeA.Get<ClusterMembership>().View.Live.Count == 2 && nodeB.Get<ClusterMembership>().View.Live.Count == 2,
            TimeSpan.FromSeconds(30), () => "the nodes do not see each other");

        var clock = Stopwatch.StartNew();
        var response = await nodeA.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "made-on-a", type = "http", target = target.Url("made-on-a"), frequencySeconds = ProbeOptions.MinFrequencySeconds, enabled = true });
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        await PollAsync(async () => (await ListedNamesAsync(nodeB)).Contains("made-on-a"), TimeSpan.FromSeconds(20), () => "node B does not list the test");
        output.WriteLine($"test made on A listed by B after {clock.Elapsed.TotalMilliseconds:0} ms");

        // Whichever node owns it runs it (made on A, told to B by a notice); the other runs nothing.
        var ownerName = nodeA.Get<ClusterMembership>().OwnerOf(id);
        nodeB.Get<ClusterMembership>().OwnerOf(id).Should().Be(ownerName, "both nodes compute the same owner");
        var (owner, other) = ownerName == "node-a" ? (nodeA, nodeB) : (nodeB, nodeA);
        await PollAsync(() => target.HitsOf("made-on-a").Count > 0 && nodeB.Get<ProbeStatusBoard>().StatusOf(id).Last is not null
            && nodeA.Get<ProbeStatusBoard>().StatusOf(id).Last is not null, TimeSpan.FromSeconds(60),
            () => $"hits {target.HitsOf("made-on-a").Count}, runs on the owner {ownerName} {owner.Get<ProbeEngine>().Finished}, " +
                  $"board A {nodeA.Get<ProbeStatusBoard>().StatusOf(id).Last?.Id}, board B {nodeB.Get<ProbeStatusBoard>().StatusOf(id).Last?.Id}");
        output.WriteLine($"owned and run by {ownerName}");
        owner.Get<ProbeEngine>().Finished.Should().BeGreaterThan(0, "the owner ran the test");
        other.Get<ProbeEngine>().Finished.Should().Be(0, "the other node does not run a test it does not own");
        // Each board learnt the owner's result: the same stored row.
        nodeA.Get<ProbeStatusBoard>().StatusOf(id).Last!.Id.Should().Be(nodeB.Get<ProbeStatusBoard>().StatusOf(id).Last!.Id);

        // Deleted on A: gone from B's list too.
        (await nodeA.Http.DeleteAsync($"/api/synthetic/tests/{id}")).EnsureSuccessStatusCode();
        await PollAsync(async () => !(await ListedNamesAsync(nodeB)).Contains("made-on-a"), TimeSpan.FromSeconds(20), () => "node B still lists the deleted test");
        nodeB.Get<ProbeStatusBoard>().StatusOf(id).Last.Should().BeNull();
    }

    [Fact]
    public async Task An_instance_stopped_through_node_a_shows_stopped_on_node_b_and_the_alert_a_fires_is_on_bs_board()
    {
        var tag = Guid.NewGuid().ToString("n")[..12];
        var instance = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "notice-web", ("notice", tag));
        await using var shared = await postgres.CreateAsync();
        var cluster = Cluster(shared);
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        // Made on A, told to B: B's engine must know the rule, or it would resolve A's alert as "rule deleted".
        var rule = await nodeA.Http.PostAsJsonAsync("/api/alert-rules", new { name = "notice stopped", condition = "instanceState", tag = $"notice={tag}", state = "stopped", severity = "critical" });
        rule.IsSuccessStatusCode.Should().BeTrue(await rule.Content.ReadAsStringAsync());

        // A poll on A finds the instance; B learns it from A's notice (B never polls here).
        await nodeA.SyncAsync();
        await PollAsync(() => nodeB.Get<FleetSnapshot>().Find(instance)?.State == "running", TimeSpan.FromSeconds(20), () => "node B does not show the instance running");
        nodeB.Get<FleetSnapshot>().Region("us-east-1")!.LastSyncedAt.Should().NotBeNull("B re-read the poll status A stored, as A's notice named the region");

        var clock = Stopwatch.StartNew();
        (await nodeA.Http.PostAsJsonAsync($"/api/instances/{instance}/action", new { action = "stop" })).EnsureSuccessStatusCode();
        var acted = clock.Elapsed;
        await PollAsync(() => nodeB.Get<FleetSnapshot>().Find(instance)?.State == "stopped", TimeSpan.FromSeconds(20),
            () => $"node B shows {nodeB.Get<FleetSnapshot>().Find(instance)?.State}");
        output.WriteLine($"stop through A answered in {acted.TotalMilliseconds:0} ms; B's snapshot showed stopped {(clock.Elapsed - acted).TotalMilliseconds:0} ms later");

        Alert? fired = null;
        await PollAsync(() => (fired = nodeA.Get<AlertBoard>().Open.FirstOrDefault(a => a.RuleName == "notice stopped")) is not null,
            TimeSpan.FromSeconds(30), () => "node A fired no alert");
        var firedAt = Stopwatch.StartNew();
        await PollAsync(() => nodeB.Get<AlertBoard>().Open.Any(a => a.Id == fired!.Id), TimeSpan.FromSeconds(20), () => "node B's alert board lacks A's alert");
        output.WriteLine($"alert {fired!.Id} fired on A reached B's board within {firedAt.Elapsed.TotalMilliseconds:0} ms of A's board");
        nodeB.Get<AlertBoard>().Open.Single(a => a.Id == fired.Id).Subject.Should().Contain("notice-web");
        // Still open on both a while later: B's engine knows the rule (a rule unknown there would resolve the alert).
        await Task.Delay(TimeSpan.FromSeconds(3));
        nodeA.Get<AlertBoard>().Open.Should().Contain(a => a.Id == fired.Id);
        nodeB.Get<AlertBoard>().Open.Should().Contain(a => a.Id == fired.Id);
    }

    [Fact]
    public async Task A_change_no_notice_told_reaches_the_other_node_by_its_re_read_timer()
    {
        var instance = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "timer-web");
        await using var shared = await postgres.CreateAsync();
        var cluster = Cluster(shared);
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b", "Cluster:RefreshSeconds=2"]);
        await nodeA.SyncAsync();
        await PollAsync(() => nodeB.Get<FleetSnapshot>().Find(instance) is not null, TimeSpan.FromSeconds(20), () => "node B lacks the instance");

        // Written straight to the database: no service, no LiveFeed, no notice (as if the notice was lost).
        var test = new SyntheticTest { Name = "written-directly", Type = ProbeType.Port, Target = "127.0.0.1", Port = 9, FrequencySeconds = 60, Enabled = false };
        await using (var db = await nodeA.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            db.SyntheticTests.Add(test);
            (await db.Instances.SingleAsync(i => i.InstanceId == instance)).State = "stopped";
            await db.SaveChangesAsync();
        }
        // And two failed runs of it, as another node's writer stores them.
        ProbeResult[] failures = [.. Enumerable.Range(0, 2).Select(i => new ProbeResult
        {
            TestId = test.Id, Type = ProbeType.Port, Success = false, Reason = "connection refused", StartedAt = DateTime.UtcNow.AddSeconds(i - 10),
            DurationMs = 1, Source = ProbeResult.ConsoleSource,
        })];
        await using (var db = await nodeA.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            db.ProbeResults.AddRange(failures);
            await db.SaveChangesAsync();
        }
        var listener = nodeB.Get<NoticeListener>();
        var applied = listener.Applied;

        // Applied counts a re-read once it finished, a moment after the views changed.
        await PollAsync(() => nodeB.Get<ProbeCatalog>().Find(test.Id) is not null && nodeB.Get<FleetSnapshot>().Find(instance)?.State == "stopped"
            && nodeB.Get<ProbeStatusBoard>().StatusOf(test.Id).ConsecutiveFailures == 2 && listener.Applied > applied,
            TimeSpan.FromSeconds(30), () => $"catalog {nodeB.Get<ProbeCatalog>().Find(test.Id)?.Name}, state {nodeB.Get<FleetSnapshot>().Find(instance)?.State}, " +
                $"failures in a row {nodeB.Get<ProbeStatusBoard>().StatusOf(test.Id).ConsecutiveFailures}, re-reads {listener.Applied - applied}");
        // Node A has no short timer: the change is still unknown there, so B's view came from its own re-read.
        nodeA.Get<ProbeCatalog>().Find(test.Id).Should().BeNull();
        // Counted once, however many re-reads ran since.
        await PollAsync(() => listener.Applied > applied + 2, TimeSpan.FromSeconds(30), () => "no more re-reads");
        nodeB.Get<ProbeStatusBoard>().StatusOf(test.Id).Should().Match<ProbeStatus>(s => s.Runs24h == 2 && s.Failures24h == 2 && s.ConsecutiveFailures == 2);
    }

    [Fact]
    public async Task After_its_listening_connection_is_cut_a_node_listens_again_and_catches_up()
    {
        await using var shared = await postgres.CreateAsync();
        var cluster = Cluster(shared);
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        var listener = nodeB.Get<NoticeListener>();
        await PollAsync(() => listener.ListeningProcessId != 0, TimeSpan.FromSeconds(20), () => "node B is not listening");

        // The server ends B's listening session, and a test is made on A while B is away: that notice is lost.
        await using (var connection = new NpgsqlConnection(nodeA.Get<IConfiguration>().GetConnectionString("Console")))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection);
            kill.Parameters.AddWithValue("pid", listener.ListeningProcessId);
            (await kill.ExecuteScalarAsync()).Should().Be(true);
        }
        var response = await nodeA.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "made-while-cut", type = "port", target = "127.0.0.1", port = 9, frequencySeconds = 60, enabled = false });
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());

        // Well inside the 60 s re-read timer: the reconnect's own re-read brings it.
        await PollAsync(async () => (await ListedNamesAsync(nodeB)).Contains("made-while-cut"), TimeSpan.FromSeconds(30),
            () => $"node B connections {listener.Connections}");
        listener.Connections.Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void A_notice_naming_too_much_for_one_payload_is_split_into_payloads_that_each_fit()
    {
        var notice = new ClusterNotice("node-a#1234", NoticeKinds.Fleet,
            Ids: [.. Enumerable.Range(1, 1_500).Select(i => (long)i * 1_000_003)],
            Keys: [.. Enumerable.Range(0, 900).Select(i => $"i-{i:x17}")],
            Regions: ["us-east-1", "eu-west-1"]);

        var payloads = notice.ToPayloads().ToList();

        payloads.Should().HaveCountGreaterThan(1).And.OnlyContain(p => System.Text.Encoding.UTF8.GetByteCount(p) < 8_000);
        var parts = payloads.Select(p => ClusterNotice.Parse(p)!).ToList();
        parts.Should().OnlyContain(p => p.From == "node-a#1234" && p.Kind == NoticeKinds.Fleet);
        parts.SelectMany(p => p.Ids ?? []).Should().BeEquivalentTo(notice.Ids);
        parts.SelectMany(p => p.Keys ?? []).Should().BeEquivalentTo(notice.Keys);
        parts.SelectMany(p => p.Regions ?? []).Should().BeEquivalentTo(notice.Regions);
    }

    /// <summary>One database and one scheduler name: the nodes of one cluster (call once per cluster).</summary>
    private static string[] Cluster(TestDatabase shared) => [.. shared.Settings, $"Quartz:SchedulerName=notices-{Guid.NewGuid():n}"];

    private static async Task<List<string?>> ListedNamesAsync(ConsoleHost node)
    {
        var body = await node.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests");
        return [.. body.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString())];
    }

    /// <summary>Every 50 ms: these tests print how long a notice took from one node to the other.</summary>
    private static Task PollAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) => Poll.UntilAsync(condition, timeout, describe, everyMs: 50);

    private static Task PollAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe) => Poll.UntilAsync(condition, timeout, describe, everyMs: 50);
}
