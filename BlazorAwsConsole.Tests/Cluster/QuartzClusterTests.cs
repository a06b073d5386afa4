using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Quartz;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Two consoles on one PostgreSQL database share Quartz's clustered job store (same scheduler name, their node
/// names as instance ids) for the declared jobs, and the tests by assignment: each test runs on one node's own timers,
/// both nodes take a share, and a node cut from the database (a TCP proxy the test closes) fences itself while the other runs everything.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class QuartzClusterTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const int Tests = 20;
    private const int IntervalSeconds = ProbeOptions.MinFrequencySeconds;
    private static readonly string[] QuartzTables =
    [
        "qrtz_job_details", "qrtz_triggers", "qrtz_simple_triggers", "qrtz_simprop_triggers", "qrtz_cron_triggers", "qrtz_blob_triggers",
        "qrtz_fired_triggers", "qrtz_calendars", "qrtz_paused_trigger_grps", "qrtz_paused_job_grps", "qrtz_locks", "qrtz_scheduler_state",
    ];

    [Fact]
    public async Task Migrating_twice_keeps_quartzs_tables_and_the_node_checks_in_to_them()
    {
        await using var console = await ConsoleHost.StartAsync(moto, postgres, "Cluster:NodeName=solo");
        // Start-up migrated once; a second run (another node, or `migrate`) finds everything there.
        await DatabaseMigrator.MigrateAsync(console.Get<IServiceScopeFactory>(), NullLogger.Instance, CancellationToken.None);

        var connectionString = console.Get<IConfiguration>().GetConnectionString("Console")!;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var tables = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'qrtz\\_%'", connection);
        var found = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) found.Add(reader.GetString(0));
        }
        found.Should().BeEquivalentTo(QuartzTables);

        // Pausing and resuming a group writes the pause columns of this DDL (reason, by, at).
        var scheduler = await console.Get<ISchedulerFactory>().GetScheduler();
        await scheduler.PauseTriggerGroupsWith(GroupMatcher<TriggerKey>.GroupEquals("probe-rollups"), new PauseDetails { Reason = "maintenance window", RequestedBy = "test" });
        (await scheduler.GetTriggerState(new TriggerKey("probe-rollup", "probe-rollups"))).Should().Be(TriggerState.Paused);
        await scheduler.ResumeTriggerGroups(GroupMatcher<TriggerKey>.GroupEquals("probe-rollups"));
        (await scheduler.GetTriggerState(new TriggerKey("probe-rollup", "probe-rollups"))).Should().Be(TriggerState.Normal);

        var node = await WaitForNodesAsync(console, 1);
        node.Should().ContainSingle().Which.GetProperty("name").GetString().Should().Be("solo");
        output.WriteLine($"cluster: {node.Single()} at {DateTimeOffset.UtcNow:O}");
        // Quartz's check-in time read as UTC ticks: a recent instant, not a date in year 1 or the far future.
        node.Single().GetProperty("lastCheckIn").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        // The scheduler check reads this node's row in Quartz's scheduler-state table.
        JsonElement check = default;
        await Poll.UntilAsync(async () =>
        {
            var ready = await console.Anonymous.GetAsync("/healthz/ready");
            check = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("scheduler");
            return check.GetProperty("status").GetString() == "Healthy" && check.GetProperty("data").GetProperty("lastCheckIn").GetString() != "never";
        }, TimeSpan.FromSeconds(60), () => $"scheduler check: {check}");
        check.GetProperty("data").GetProperty("node").GetString().Should().Be("solo");
        output.WriteLine($"ready: {check}");
    }

    [Fact]
    public async Task Two_nodes_share_the_tests_each_runs_once_per_interval_and_both_are_listed()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var shared = await postgres.CreateAsync();
        var cluster = ClusterSettings(shared);
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        var names = await CreateTestsAsync(nodeA, target);
        var schedulerA = await nodeA.Get<ISchedulerFactory>().GetScheduler();
        var before = await StartTimesAsync(schedulerA);
        // Node B starts after the tests exist, so its catalog knows them (live catalog updates across nodes are not in yet).
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);

        // Node B's start kept the cluster's schedule: the same declared triggers (one rollup), none reset; no per-test trigger.
        var after = await StartTimesAsync(await nodeB.Get<ISchedulerFactory>().GetScheduler());
        after.Should().BeEquivalentTo(before);
        before.Keys.Count(k => k.Group == "probes").Should().Be(0, "tests run on each node's own timers, not in the clustered store");
        before.Keys.Count(k => k.Group == "probe-rollups").Should().Be(1);

        var nodes = await WaitForNodesAsync(nodeB, 2);
        nodes.Select(n => n.GetProperty("name").GetString()).Should().BeEquivalentTo("node-a", "node-b");
        nodes.Single(n => n.GetProperty("self").GetBoolean()).GetProperty("name").GetString().Should().Be("node-b");

        var from = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => nodeA.Get<ProbeEngine>().Finished > 0 && nodeB.Get<ProbeEngine>().Finished > 0
            && names.All(n => target.HitsOf(n).Count(h => h > from) >= 4), TimeSpan.FromSeconds(150),
            () => $"hits since {from:T}: {string.Join(", ", names.Select(n => target.HitsOf(n).Count(h => h > from)))}; " +
                  $"runs A {nodeA.Get<ProbeEngine>().Finished}, B {nodeB.Get<ProbeEngine>().Finished}");

        foreach (var name in names)
        {
            var hits = target.HitsOf(name);
            var gaps = hits.Zip(hits.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
            // Fired by one node per interval: two nodes firing one trigger would leave gaps near zero.
            gaps.Should().OnlyContain(g => g > IntervalSeconds / 2.0, $"{name} ran at most once per {IntervalSeconds} s interval across both nodes ({string.Join(", ", gaps.Select(g => g.ToString("0.0")))})");
        }
    }

    [Fact]
    public async Task A_node_cut_from_the_database_fences_itself_the_other_runs_every_test_once_and_it_rejoins()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var shared = await postgres.CreateAsync();
        var cluster = ClusterSettings(shared);
        // Node A reaches PostgreSQL only through a proxy this test cuts: every connection it has, the heartbeat's included.
        await using var link = new CuttableTcpProxy(postgres.Port);
        var throughLink = new NpgsqlConnectionStringBuilder(shared.ConnectionString) { Port = link.Port }.ConnectionString;
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a", $"ConnectionStrings:Console={throughLink}"]);
        var names = await CreateTestsAsync(nodeA, target);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        await WaitForNodesAsync(nodeB, 2);
        var (timersA, timersB) = (nodeA.Get<ProbeScheduler>(), nodeB.Get<ProbeScheduler>());
        await Poll.UntilAsync(() => timersA.Owned.Count > 0 && timersB.Owned.Count > 0 && timersA.Owned.Count + timersB.Owned.Count == Tests
            && nodeA.Get<ProbeEngine>().Finished > 0, TimeSpan.FromSeconds(90), () => $"owned A {timersA.Owned.Count}, B {timersB.Owned.Count}");
        timersA.Owned.Intersect(timersB.Owned).Should().BeEmpty("each test is owned by one node");

        // The cut: node A's live connections drop and new ones are refused; the node itself keeps running.
        var membershipA = nodeA.Get<BlazorAwsConsole.Cluster.ClusterMembership>();
        link.Cut();
        // Taken once the link is down: no renewal sent after this can succeed, so A fences by cut + its fencing time.
        var cut = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => membershipA.IsFenced && timersA.Owned.Count == 0, TimeSpan.FromSeconds(15), () => $"A fenced {membershipA.IsFenced}, owns {timersA.Owned.Count}");
        var fenced = DateTimeOffset.UtcNow;
        output.WriteLine($"node A fenced itself {(fenced - cut).TotalSeconds:0.0} s after the cut (fencing time {membershipA.FenceTime.TotalSeconds:0} s)");
        (fenced - cut).Should().BeLessThan(membershipA.MemberTimeout, "a node stops before the others may take over");
        (await nodeA.Anonymous.GetAsync("/healthz/ready")).StatusCode.Should().Be(System.Net.HttpStatusCode.ServiceUnavailable, "a fenced node is not ready");

        // Node B takes everything once A is dead to it, and runs each test again.
        await Poll.UntilAsync(() => timersB.Owned.Count == Tests, TimeSpan.FromSeconds(60), () => $"B owns {timersB.Owned.Count}");
        var takenOver = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => names.All(n => target.HitsOf(n).Count(h => h > takenOver) >= 2), TimeSpan.FromSeconds(90),
            () => $"hits since B took over: {string.Join(", ", names.Select(n => target.HitsOf(n).Count(h => h > takenOver)))}");
        output.WriteLine($"B took every test {(takenOver - cut).TotalSeconds:0.0} s after the cut; each hit twice since");
        // Judged where A decides: the last run it began is within its fencing time (a quarter second for the clocks' steps).
        // Not at the target: a run A began just in time can arrive seconds later in a loaded test process, which is
        // why the fencing time leaves two heartbeats before anyone else may take over (the gaps below check that).
        var lastStart = nodeA.Get<ProbeEngine>().LastScheduledStart;
        lastStart.Should().NotBeNull();
        lastStart!.Value.Should().BeBefore(cut + membershipA.FenceTime + TimeSpan.FromSeconds(0.25),
            $"node A begins no run after its fencing time of {membershipA.FenceTime.TotalSeconds:0} s (cut at {cut:HH:mm:ss.fff})");
        (await WaitForNodesAsync(nodeB, 1)).Single().GetProperty("name").GetString().Should().Be("node-b");

        // The link is back: A renews again, rejoins, takes a share after the settle time, and is ready.
        link.Restore();
        await Poll.UntilAsync(() => !membershipA.IsFenced && timersA.Owned.Count > 0 && timersA.Owned.Count + timersB.Owned.Count == Tests,
            TimeSpan.FromSeconds(60), () => $"owned A {timersA.Owned.Count}, B {timersB.Owned.Count}");
        await Poll.UntilAsync(async () => (await nodeA.Anonymous.GetAsync("/healthz/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), () => "node A not ready after it rejoined");
        var rejoined = DateTimeOffset.UtcNow;
        var runsAfterRejoin = nodeA.Get<ProbeEngine>().Finished;
        await Poll.UntilAsync(() => names.All(n => target.HitsOf(n).Count(h => h > rejoined) >= 2) && nodeA.Get<ProbeEngine>().Finished > runsAfterRejoin,
            TimeSpan.FromSeconds(60), () => $"hits since A rejoined: {string.Join(", ", names.Select(n => target.HitsOf(n).Count(h => h > rejoined)))}; A ran {nodeA.Get<ProbeEngine>().Finished - runsAfterRejoin}");

        foreach (var name in names)
        {
            var hits = target.HitsOf(name);
            var gaps = hits.Zip(hits.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
            // Never two runs within an interval: not while A fenced itself, not while B took over, not when A came back.
            gaps.Should().OnlyContain(g => g > IntervalSeconds / 2.0, $"{name} ran at most once per {IntervalSeconds} s across both nodes ({string.Join(", ", gaps.Select(g => g.ToString("0.0")))})");
        }
    }

    [Fact]
    public async Task A_node_cut_from_the_database_still_stops_cleanly()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var shared = await postgres.CreateAsync();
        await using var link = new CuttableTcpProxy(postgres.Port);
        var throughLink = new NpgsqlConnectionStringBuilder(shared.ConnectionString) { Port = link.Port }.ConnectionString;
        var cluster = ClusterSettings(shared);
        var node = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=cut-off", $"ConnectionStrings:Console={throughLink}"]);
        await CreateTestsAsync(node, target);
        await using var other = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=still-on"]);
        await WaitForNodesAsync(other, 2);
        await Poll.UntilAsync(() => node.Get<ProbeEngine>().Finished > 0, TimeSpan.FromSeconds(90), () => "the node never ran a test");
        var membership = node.Get<BlazorAwsConsole.Cluster.ClusterMembership>();

        link.Cut();
        await Poll.UntilAsync(() => membership.IsFenced, TimeSpan.FromSeconds(30), () => "the node never noticed it lost its database");
        // Long enough for Quartz's scheduler thread to hold a trigger it acquired and cannot fire: releasing it retries
        // until the database answers, and that held Quartz's shutdown (and the node's whole stop) forever.
        await Task.Delay(TimeSpan.FromSeconds(20));

        // Stopping asks the job store for this node's running jobs; unreachable, that is a warning, not a failed stop.
        var stopping = node.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(60)));
        finished.Should().BeSameAs(stopping, "a node cut from its database stops within a minute");
        await stopping;
    }

    /// <summary>
    /// Every trigger in the store with the time it was scheduled from (a reset would move it); not the one-shot
    /// "evaluate alerts now", which any node asks for again whenever it stores results (it is an ask, not a schedule).
    /// </summary>
    private static async Task<Dictionary<TriggerKey, DateTimeOffset>> StartTimesAsync(IScheduler scheduler)
    {
        var times = new Dictionary<TriggerKey, DateTimeOffset>();
        foreach (var group in await scheduler.GetTriggerGroupNames())
        {
            foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(group)))
            {
                if (key.Equals(BlazorAwsConsole.Alerts.AlertEvaluationJob.NowKey)) continue;
                if (await scheduler.GetTrigger(key) is { } trigger) times[key] = trigger.StartTimeUtc;
            }
        }
        return times;
    }

    private static string[] ClusterSettings(TestDatabase shared) =>
        [.. shared.Settings, $"Quartz:SchedulerName=cluster-{Guid.NewGuid():n}", "Observability:ReadinessCacheSeconds=0"];

    private static async Task<List<string>> CreateTestsAsync(ConsoleHost node, HitCountingTarget target)
    {
        var names = new List<string>();
        for (var i = 0; i < Tests; i++)
        {
            var name = $"cluster-{i}";
            var response = await node.Http.PostAsJsonAsync("/api/synthetic/tests",
                new { name, type = "http", target = target.Url(name), frequencySeconds = IntervalSeconds, enabled = true });
            response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
            names.Add(name);
        }
        return names;
    }

    private static async Task<List<JsonElement>> WaitForNodesAsync(ConsoleHost console, int count)
    {
        List<JsonElement> nodes = [];
        await Poll.UntilAsync(async () =>
        {
            var body = await console.Http.GetFromJsonAsync<JsonElement>("/api/cluster");
            body.GetProperty("provider").GetString().Should().Be("Postgres");
            nodes = [.. body.GetProperty("nodes").EnumerateArray()];
            return nodes.Count == count;
        }, TimeSpan.FromSeconds(60), () => $"nodes: {string.Join(", ", nodes.Select(n => n.ToString()))}");
        return nodes;
    }

}
