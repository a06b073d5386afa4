using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Alert evaluation on a cluster: one node at a time judges every rule (the clustered Quartz job), from what every
/// node stored; an alert opens once and resolves once. And the declared repeating triggers: a node configured with
/// another interval replaces the stored trigger, a node configured alike leaves it as it is.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterAlertEvaluationTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Failures_stored_by_node_B_open_the_alert_on_node_A_and_a_pass_stored_by_A_resolves_it_on_B_once_each()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var shared = await postgres.CreateAsync();
        var (notifierA, notifierB) = (new RecordingNotifier(), new RecordingNotifier());
        string[] cluster = [.. Cluster(shared), "Alerts:EvaluateSeconds=1"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, Notifying(notifierA), [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, Notifying(notifierB), [.. cluster, "Cluster:NodeName=node-b"]);
        var vetoA = await EvaluationVeto.AddToAsync(nodeA);
        var vetoB = await EvaluationVeto.AddToAsync(nodeB);

        // B runs the test (run now) and only A evaluates (B's scheduler goes on, but the evaluation job is vetoed there):
        // A's engine has seen none of these runs itself.
        vetoB.On = true;
        await (await nodeB.Get<ISchedulerFactory>().GetScheduler()).Standby();
        var standingBy = await SettledAsync(judging: nodeA, standing: nodeB);
        var test = await CreatedIdAsync(await nodeB.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "flaky-api", type = "http", target = ConsoleHost.DeadEndpoint() + "/health", frequencySeconds = 3600, enabled = false }));
        var rule = await CreatedIdAsync(await nodeB.Http.PostAsJsonAsync("/api/alert-rules",
            new { name = "flaky api failing", condition = "testFailures", testId = test, consecutiveFailures = 3, severity = "critical" }));
        for (var run = 0; run < 3; run++) await RunAsync(nodeB, test, success: false);

        // Notified a moment after the alert is stored: wait for the notification.
        // Under a full test run's load a node's evaluations can be seconds apart: the message says what node A had then.
        await Poll.UntilAsync(() => notifierA.Sent.Concat(notifierB.Sent).Any(n => n.Status == "firing"), TimeSpan.FromSeconds(120),
            () => $"no alert; evaluations A {nodeA.Get<AlertEngine>().Evaluations}, B {nodeB.Get<AlertEngine>().Evaluations}; {ViewOf(nodeA, test)}");
        var alert = (await AlertsOfRuleAsync(nodeA, rule)).Single();
        alert.Status.Should().Be(AlertStatus.Firing);
        alert.Summary.Should().Contain("failed 3 times in a row");
        nodeB.Get<AlertEngine>().Evaluations.Should().Be(standingBy, "node B's evaluations were vetoed, so node A judged");
        // The node that opens an alert is the one that notifies: A, from B's runs.
        notifierA.Sent.Should().ContainSingle(n => n.AlertId == alert.Id && n.Status == "firing");
        notifierB.Sent.Should().BeEmpty();
        nodeA.Get<ProbeEngine>().Finished.Should().Be(0, "node A ran no test: the failures it judged were B's");
        // B shows the alert A opened (from A's notice).
        await Poll.UntilAsync(() => nodeB.Get<AlertBoard>().OpenFor(rule, $"test:{test}")?.Id == alert.Id, TimeSpan.FromSeconds(20), () => "node B's board lacks the alert");

        // Now the other way round: A runs the test and passes, B alone judges.
        vetoA.On = true;
        await (await nodeA.Get<ISchedulerFactory>().GetScheduler()).Standby();
        vetoB.On = false;
        await (await nodeB.Get<ISchedulerFactory>().GetScheduler()).Start();
        standingBy = await SettledAsync(judging: nodeB, standing: nodeA);
        (await nodeA.Http.PutAsJsonAsync($"/api/synthetic/tests/{test}",
            new { name = "flaky-api", type = "http", target = target.Url("health"), frequencySeconds = 3600, enabled = false })).EnsureSuccessStatusCode();
        await RunAsync(nodeA, test, success: true);
        await Poll.UntilAsync(() => notifierA.Sent.Concat(notifierB.Sent).Any(n => n.Status == "resolved"), TimeSpan.FromSeconds(60),
            () => $"not resolved; evaluations A {nodeA.Get<AlertEngine>().Evaluations}, B {nodeB.Get<AlertEngine>().Evaluations}");

        nodeA.Get<AlertEngine>().Evaluations.Should().Be(standingBy, "node A's evaluations were vetoed, so node B judged");

        // Both nodes judging again for a while: nothing opens or resolves a second time.
        vetoA.On = false;
        await (await nodeA.Get<ISchedulerFactory>().GetScheduler()).Start();
        var evaluated = nodeA.Get<AlertEngine>().Evaluations + nodeB.Get<AlertEngine>().Evaluations;
        await Poll.UntilAsync(() => nodeA.Get<AlertEngine>().Evaluations + nodeB.Get<AlertEngine>().Evaluations >= evaluated + 8, TimeSpan.FromSeconds(120),
            () => $"evaluations A {nodeA.Get<AlertEngine>().Evaluations}, B {nodeB.Get<AlertEngine>().Evaluations}");
        var alerts = await AlertsOfRuleAsync(nodeA, rule);
        alerts.Should().ContainSingle().Which.Status.Should().Be(AlertStatus.Resolved);
        var sent = notifierA.Sent.Concat(notifierB.Sent).Where(n => n.AlertId == alert.Id).ToList();
        sent.Select(n => n.Status).Should().BeEquivalentTo(["firing", "resolved"], "opened once by A, resolved once by B");
        notifierA.Sent.Should().ContainSingle(n => n.AlertId == alert.Id).Which.Status.Should().Be("firing");
        notifierB.Sent.Should().ContainSingle(n => n.AlertId == alert.Id).Which.Status.Should().Be("resolved");
        output.WriteLine($"evaluations: node A {nodeA.Get<AlertEngine>().Evaluations}, node B {nodeB.Get<AlertEngine>().Evaluations}");
    }

    [Fact]
    public async Task A_slow_spell_in_the_stored_results_opens_the_alert_though_no_node_saw_the_runs_and_a_fast_run_resolves_it()
    {
        await using var shared = await postgres.CreateAsync();
        var notifier = new RecordingNotifier();
        string[] cluster = [.. Cluster(shared), "Alerts:EvaluateSeconds=1"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, Notifying(notifier), [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, Notifying(notifier), [.. cluster, "Cluster:NodeName=node-b"]);
        var test = await CreatedIdAsync(await nodeA.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "sluggish-api", type = "port", target = "127.0.0.1", port = 9, frequencySeconds = 30, enabled = false }));
        var other = await CreatedIdAsync(await nodeA.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "slow-lately", type = "port", target = "127.0.0.1", port = 9, frequencySeconds = 30, enabled = false }));
        var rule = await CreatedIdAsync(await nodeA.Http.PostAsJsonAsync("/api/alert-rules",
            new { name = "slow port", condition = "testSlow", thresholdMs = 500, forMinutes = 5, severity = "warning" }));

        // Written straight into the shared table, as another node's result writer would: no node's memory saw them.
        // "sluggish-api" has been slow for 10 minutes; "slow-lately" was fast until 3 minutes ago.
        var now = DateTime.UtcNow;
        await StoreAsync(nodeA, Enumerable.Range(0, 21).Select(i => Result(test, now.AddSeconds(-600 + 30 * i), 900)));
        await StoreAsync(nodeA, Enumerable.Range(0, 21).Select(i => Result(other, now.AddSeconds(-600 + 30 * i), i < 14 ? 20 : 900)));

        await Poll.UntilAsync(() => notifier.Sent.Any(n => n.Status == "firing"), TimeSpan.FromSeconds(60), () => "no alert opened");
        var alert = (await AlertsOfRuleAsync(nodeA, rule)).Single();
        alert.SubjectKey.Should().Be($"test:{test}");
        alert.Summary.Should().Contain("slower than 500 ms for 5 min");

        await StoreAsync(nodeA, [Result(test, DateTime.UtcNow, 20)]);
        await Poll.UntilAsync(() => notifier.Sent.Any(n => n.AlertId == alert.Id && n.Status == "resolved"), TimeSpan.FromSeconds(60), () => "not resolved");
        var evaluated = nodeA.Get<AlertEngine>().Evaluations + nodeB.Get<AlertEngine>().Evaluations;
        await Poll.UntilAsync(() => nodeA.Get<AlertEngine>().Evaluations + nodeB.Get<AlertEngine>().Evaluations >= evaluated + 5, TimeSpan.FromSeconds(120), () => "no more evaluations");

        (await AlertsOfRuleAsync(nodeA, rule)).Should().ContainSingle("slow-lately has been slow for 3 minutes only, and sluggish-api's alert opened once");
        notifier.Sent.Where(n => n.AlertId == alert.Id).Select(n => n.Status).Should().BeEquivalentTo(["firing", "resolved"]);
    }

    [Fact]
    public async Task A_node_configured_with_another_interval_replaces_a_declared_trigger_and_one_configured_alike_leaves_it()
    {
        await using var shared = await postgres.CreateAsync();
        string[] cluster = [.. Cluster(shared), "JumpServers:EnforceTtlOnSchedule=true", "Logging:LogLevel:BlazorAwsConsole.Cluster=Information"];
        var ttl = new TriggerKey("jump-server-ttl", "jump-servers");
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a", "JumpServers:TtlCheckIntervalSeconds=300"]);
        var scheduler = await nodeA.Get<ISchedulerFactory>().GetScheduler();
        var first = (ISimpleTrigger)(await scheduler.GetTrigger(ttl))!;
        first.RepeatInterval.Should().Be(TimeSpan.FromSeconds(300));
        ((ISimpleTrigger)(await scheduler.GetTrigger(AlertEvaluationJob.EveryKey))!).RepeatInterval.Should().Be(TimeSpan.FromSeconds(new AlertOptions().EvaluateSeconds));

        // Configured alike: the stored trigger is the one node A stored, down to its start.
        var logsB = new CapturedLogs();
        await using (var nodeB = await ConsoleHost.StartAsync(moto, postgres, b => b.Logging.AddProvider(logsB), [.. cluster, "Cluster:NodeName=node-b", "JumpServers:TtlCheckIntervalSeconds=300"]))
        {
            var kept = (ISimpleTrigger)(await scheduler.GetTrigger(ttl))!;
            kept.StartTimeUtc.Should().Be(first.StartTimeUtc, "a node starting does not reset the schedule");
            kept.RepeatInterval.Should().Be(TimeSpan.FromSeconds(300));
            logsB.Lines.Should().NotContain(l => l.Contains("now repeats every"));
        }

        // Configured otherwise: node C's intervals replace the stored ones, and it says so.
        var logsC = new CapturedLogs();
        await using var nodeC = await ConsoleHost.StartAsync(moto, postgres, b => b.Logging.AddProvider(logsC),
            [.. cluster, "Cluster:NodeName=node-c", "JumpServers:TtlCheckIntervalSeconds=120", "Alerts:EvaluateSeconds=3"]);
        ((ISimpleTrigger)(await scheduler.GetTrigger(ttl))!).RepeatInterval.Should().Be(TimeSpan.FromSeconds(120), "node A reads what node C stored");
        ((ISimpleTrigger)(await scheduler.GetTrigger(AlertEvaluationJob.EveryKey))!).RepeatInterval.Should().Be(TimeSpan.FromSeconds(3));
        var lines = logsC.Lines.Where(l => l.StartsWith("Information") && l.Contains("now repeats every")).ToList();
        lines.Should().Contain(l => l.Contains("jump-servers.jump-server-ttl") && l.Contains("every 120 s") && l.Contains("every 300 s"));
        lines.Should().Contain(l => l.Contains("alerts.alert-evaluation") && l.Contains("every 3 s"));
        lines.Should().HaveCount(2, "the other declared triggers have the same interval on every node");
        output.WriteLine(string.Join('\n', lines));
    }

    /// <summary>
    /// Keeps one node from running the alert evaluation job while <see cref="On"/>: a trigger that node fires is
    /// vetoed. Used with the node's scheduler on standby, so it stops taking the evaluation triggers away from the
    /// other node (a veto alone let it take them all under load), while a trigger it took just before standby, which
    /// it still fires, does not run there (standby alone let it run several evaluations under load).
    /// </summary>
    private sealed class EvaluationVeto : ITriggerListener
    {
        public volatile bool On;

        public static async Task<EvaluationVeto> AddToAsync(ConsoleHost node)
        {
            var veto = new EvaluationVeto();
            (await node.Get<ISchedulerFactory>().GetScheduler()).ListenerManager.AddTriggerListener(veto);
            return veto;
        }

        public string Name => "test-alert-evaluation-veto";

        public ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(On && AlertEvaluationJob.Key.Equals(trigger.JobKey));

        public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask TriggerSkipped(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask TriggerComplete(ITrigger trigger, IJobExecutionContext context, SchedulerInstruction triggerInstructionCode, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;

        public ValueTask TriggerRetriesExhausted(ITrigger trigger, IJobExecutionContext context, JobExecutionException exception, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }

    /// <summary>
    /// After <paramref name="standing"/>'s evaluations were vetoed: one already under way there may still finish, so wait
    /// until the other node has evaluated a few times on its own. Returns the standing node's evaluations, which stay
    /// as they are from then on.
    /// </summary>
    private static async Task<long> SettledAsync(ConsoleHost judging, ConsoleHost standing)
    {
        var from = judging.Get<AlertEngine>().Evaluations;
        await Poll.UntilAsync(() => judging.Get<AlertEngine>().Evaluations >= from + 3, TimeSpan.FromSeconds(60), () => "the judging node does not evaluate");
        return standing.Get<AlertEngine>().Evaluations;
    }

    private static string[] Cluster(TestDatabase shared) => [.. shared.Settings, $"Quartz:SchedulerName=alerts-{Guid.NewGuid():n}"];

    /// <summary>What a node knows of the test from other nodes' notices, for a failure's message.</summary>
    private static string ViewOf(ConsoleHost node, int test) =>
        $"the node's catalog {(node.Get<ProbeCatalog>().Find(test) is null ? "lacks" : "has")} the test, its board counts "
        + $"{node.Get<ProbeStatusBoard>().StatusOf(test).ConsecutiveFailures} failures in a row, it applied {node.Get<BlazorAwsConsole.Cluster.NoticeListener>().Applied} notices";

    private static Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Notifying(RecordingNotifier notifier) =>
        builder => builder.Services.AddSingleton<IAlertNotifier>(notifier);

    private static async Task RunAsync(ConsoleHost node, int test, bool success)
    {
        var response = await node.Http.PostAsync($"/api/synthetic/tests/{test}/run", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean().Should().Be(success);
    }

    private static ProbeResult Result(int test, DateTime startedAt, double responseMs) => new()
    {
        TestId = test, Type = ProbeType.Port, Success = true, Reason = "connected", StartedAt = startedAt,
        DurationMs = responseMs, ResponseTimeMs = responseMs, Source = ProbeResult.ConsoleSource,
    };

    private static async Task StoreAsync(ConsoleHost node, IEnumerable<ProbeResult> results)
    {
        await using var db = await node.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        db.ProbeResults.AddRange(results);
        await db.SaveChangesAsync();
    }

    private static async Task<List<Alert>> AlertsOfRuleAsync(ConsoleHost node, int rule)
    {
        await using var db = await node.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.Alerts.AsNoTracking().Where(a => a.RuleId == rule).OrderBy(a => a.Id).ToListAsync();
    }

    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }
}
