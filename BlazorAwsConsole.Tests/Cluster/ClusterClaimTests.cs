using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Alerts.Channels.Senders;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Work that is not a Quartz trigger, with two consoles on one PostgreSQL database: an alert opens and is
/// delivered once, a delivery is sent by one node (and by the other once a dead node's claim lapses), "run now"
/// works on a node that never saw the test, and an instance action on one node refuses another on the other.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterClaimTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task A_firing_alert_opens_once_and_its_webhook_is_delivered_once_with_two_nodes_running()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var shared = await postgres.CreateAsync();
        string[] fast = [.. ClusterSettings(shared), "Alerts:EvaluateSeconds=1", "Alerts:Delivery:PollSeconds=1"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. fast, "Cluster:NodeName=node-a"]);
        var channel = await AddChannelAsync(nodeA, receiver);
        var rule = await CreatedIdAsync(await nodeA.Http.PostAsJsonAsync("/api/alert-rules", new { name = "old keys", condition = "credentialAge", daysBeforeLimit = 10 }));
        // Node B starts after the rule exists, so whichever node the evaluation job fires on knows it.
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. fast, "Cluster:NodeName=node-b"]);

        // The condition starts holding for both nodes at once: an old key is in the shared database.
        await using (var db = await ContextAsync(nodeA))
        {
            db.CredentialSets.Add(new CredentialSet { Name = "aging", VaultPath = "aws/aging", CreatedAt = DateTime.UtcNow.AddDays(-85), Kind = CredentialKind.KeyPair });
            await db.SaveChangesAsync();
        }
        await Poll.UntilAsync(() => Task.FromResult(receiver.Requests.Count >= 1), TimeSpan.FromSeconds(90), () => "no notification arrived");

        // The cluster has since evaluated many times (one node at a time, on whichever node the job fired) and both
        // delivery loops looked for due rows many times.
        long Evaluations() => nodeA.Get<AlertEngine>().Evaluations + nodeB.Get<AlertEngine>().Evaluations;
        var evaluated = Evaluations();
        await Poll.UntilAsync(() => Task.FromResult(Evaluations() >= evaluated + 8),
            TimeSpan.FromSeconds(120), () => $"evaluations A {nodeA.Get<AlertEngine>().Evaluations}, B {nodeB.Get<AlertEngine>().Evaluations}");

        receiver.Requests.Should().ContainSingle("the alert was sent once although two nodes evaluate and deliver");
        var body = JsonDocument.Parse(receiver.Requests[0].Body).RootElement;
        body.GetProperty("status").GetString().Should().Be("firing");
        await using (var db = await ContextAsync(nodeB))
        {
            (await db.Alerts.CountAsync(a => a.RuleId == rule)).Should().Be(1, "one alert per rule and subject");
            var deliveries = await db.NotificationDeliveries.Where(d => d.ChannelId == channel).ToListAsync();
            deliveries.Should().ContainSingle().Which.Status.Should().Be(DeliveryStatus.Sent);
        }
        // Each node shows the one alert: the node whose insert lost took the winner's.
        nodeA.Get<AlertBoard>().OpenFor(rule, "credential:aging").Should().NotBeNull();
        nodeB.Get<AlertBoard>().OpenFor(rule, "credential:aging").Should().NotBeNull();
        nodeA.Get<AlertBoard>().OpenFor(rule, "credential:aging")!.Id.Should().Be(nodeB.Get<AlertBoard>().OpenFor(rule, "credential:aging")!.Id);
    }

    [Fact]
    public async Task Every_delivery_is_sent_by_one_node_and_a_dead_nodes_claims_are_retried_once_their_lease_lapses()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var shared = await postgres.CreateAsync();
        string[] fast = [.. ClusterSettings(shared), "Alerts:Delivery:PollSeconds=1"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. fast, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. fast, "Cluster:NodeName=node-b"]);
        var channel = await AddChannelAsync(nodeA, receiver);

        // Due rows written straight into the shared table (as another node would), half of them held by a node that died mid-send.
        var now = DateTime.UtcNow;
        var leaseEnds = now.AddSeconds(10);
        var payload = NotificationPayload.Serialize(new AlertNotification(7, "web down", "critical", "firing", "i-0abc", "down", DateTimeOffset.UtcNow, null));
        List<NotificationDelivery> rows;
        await using (var db = await ContextAsync(nodeA))
        {
            rows = Enumerable.Range(0, 40).Select(i => new NotificationDelivery
            {
                ChannelId = channel, AlertId = 7, Payload = payload, Status = DeliveryStatus.Pending, CreatedAt = now, NextAttemptAt = now.AddSeconds(-30),
                ClaimedBy = i % 2 == 0 ? "node-gone" : null, ClaimedUntil = i % 2 == 0 ? leaseEnds : null, ClaimToken = i % 2 == 0 ? Guid.NewGuid() : null,
            }).ToList();
            db.NotificationDeliveries.AddRange(rows);
            await db.SaveChangesAsync();
        }
        var ghostHeld = rows.Where(r => r.ClaimedBy == "node-gone").Select(r => r.Id.ToString()).ToHashSet();

        await Poll.UntilAsync(async () =>
        {
            await using var db = await ContextAsync(nodeB);
            return await db.NotificationDeliveries.CountAsync(d => d.ChannelId == channel && d.Status == DeliveryStatus.Sent) == rows.Count;
        }, TimeSpan.FromSeconds(120), () => $"{receiver.Requests.Count} of {rows.Count} sent");
        // Several more rounds of both nodes' loops: nothing is sent again.
        var settled = DateTime.UtcNow;
        await Poll.UntilAsync(() => Task.FromResult(DateTime.UtcNow > settled.AddSeconds(6)), TimeSpan.FromSeconds(10), () => "");

        var byDelivery = receiver.Requests.GroupBy(r => r.Headers[WebhookSigner.DeliveryHeader]).ToDictionary(g => g.Key, g => g.Count());
        byDelivery.Should().HaveCount(rows.Count);
        byDelivery.Values.Should().OnlyContain(count => count == 1, "each delivery reached the receiver once");
        output.WriteLine($"{receiver.Requests.Count} requests for {rows.Count} deliveries");
        await using (var db = await ContextAsync(nodeA))
        {
            var stored = await db.NotificationDeliveries.Where(d => d.ChannelId == channel).ToListAsync();
            stored.Should().OnlyContain(d => d.Status == DeliveryStatus.Sent && d.Attempts == 1 && d.ClaimedBy == null && d.ClaimToken == null);
            // The dead node's rows were left alone until its lease lapsed, then sent by a live node.
            stored.Where(d => ghostHeld.Contains(d.Id.ToString())).Should().OnlyContain(d => d.SentAt >= leaseEnds);
        }
    }

    [Fact]
    public async Task Run_now_on_node_B_runs_a_test_made_and_changed_on_node_A()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var shared = await postgres.CreateAsync();
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. ClusterSettings(shared), "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. ClusterSettings(shared), "Cluster:NodeName=node-b"]);

        // Made on A after B started: B has not loaded it.
        var created = await nodeA.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "made-on-a", type = "http", target = target.Url("first"), frequencySeconds = 3600, enabled = false });
        var id = await CreatedIdAsync(created);

        var run = await nodeB.Http.PostAsync($"/api/synthetic/tests/{id}/run", null);
        run.StatusCode.Should().Be(HttpStatusCode.OK, await run.Content.ReadAsStringAsync());
        var result = await run.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("testId").GetInt32().Should().Be(id);
        result.GetProperty("success").GetBoolean().Should().BeTrue(result.ToString());
        target.HitsOf("first").Should().HaveCount(1);

        // Changed on A: B runs the test as it is now, not as B first read it.
        var changed = await nodeA.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}",
            new { name = "made-on-a", type = "http", target = target.Url("second"), frequencySeconds = 3600, enabled = false });
        changed.IsSuccessStatusCode.Should().BeTrue(await changed.Content.ReadAsStringAsync());
        (await nodeB.Http.PostAsync($"/api/synthetic/tests/{id}/run", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        target.HitsOf("second").Should().HaveCount(1);
        target.HitsOf("first").Should().HaveCount(1);

        // Deleted on A: B answers 404.
        (await nodeA.Http.DeleteAsync($"/api/synthetic/tests/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await nodeB.Http.PostAsync($"/api/synthetic/tests/{id}/run", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_action_in_progress_on_node_A_is_refused_on_node_B_with_409_and_allowed_after_it_ends()
    {
        var ec2 = moto.Ec2("us-east-1");
        var id = await Ec2Fleet.LaunchAsync(ec2, "busy");
        var other = await Ec2Fleet.LaunchAsync(ec2, "orphaned-lock");
        await using var proxy = new SlowEc2Proxy(moto.Endpoint);
        var stops = 0;
        // The first stop hangs at "EC2" until the console's AWS deadline gives up: an action that takes a while.
        proxy.Hangs = body => body.Contains("Action=StopInstances") && body.Contains(id) && Interlocked.Increment(ref stops) == 1;
        await using var shared = await postgres.CreateAsync();
        string[] settings = [.. ClusterSettings(shared), "Aws:TimeoutSeconds=30", "Aws:MaxAttempts=1"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. settings, "Cluster:NodeName=node-a"]);
        await nodeA.SetRegionEndpointAsync("us-east-1", proxy.Endpoint);
        await nodeA.SyncAsync();
        // Node B starts after the fleet is stored, so its snapshot lists the instances (cross-node refresh is another change).
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. settings, "Cluster:NodeName=node-b"]);

        var slow = nodeA.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });
        await Poll.UntilAsync(() => Task.FromResult(proxy.Requests.Any(r => r.Contains("Action=StopInstances"))), TimeSpan.FromSeconds(60), () => "node A never called StopInstances");

        var refused = await nodeB.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "reboot" });
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict, await refused.Content.ReadAsStringAsync());
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("Another action on this instance is in progress");
        problem.GetProperty("detail").GetString().Should().Contain("Stop of " + id).And.Contain("on node node-a");
        proxy.Requests.Should().NotContain(r => r.Contains("Action=RebootInstances"), "the refused action never reached EC2");

        // A's action ends (EC2 did not answer in time): its lock goes with it, and B's stop goes through.
        var ended = await slow;
        ended.StatusCode.Should().Be(HttpStatusCode.BadGateway, await ended.Content.ReadAsStringAsync());
        var allowed = await nodeB.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });
        allowed.StatusCode.Should().Be(HttpStatusCode.OK, await allowed.Content.ReadAsStringAsync());
        (await Ec2Fleet.StateAsync(ec2, id)).Should().Be("stopped");

        // A node that died mid-action leaves its row; once it lapses, the instance is free again.
        await using (var db = await ContextAsync(nodeA))
        {
            db.InstanceActionLocks.Add(new InstanceActionLock
            {
                InstanceId = other, Action = InstanceAction.Reboot, Node = "node-gone", Actor = "someone",
                StartedAt = DateTime.UtcNow.AddMinutes(-5), ExpiresAt = DateTime.UtcNow.AddMinutes(-3), Token = Guid.NewGuid(),
            });
            await db.SaveChangesAsync();
        }
        (await nodeB.Http.PostAsJsonAsync($"/api/instances/{other}/action", new { action = "stop" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await using (var db = await ContextAsync(nodeB))
        {
            (await db.InstanceActionLocks.CountAsync()).Should().Be(0, "every action let go of its instance");
        }
    }

    private static string[] ClusterSettings(TestDatabase shared) =>
        [.. shared.Settings, $"Quartz:SchedulerName=cluster-{Guid.NewGuid():n}"];

    private static async Task<ConsoleDbContext> ContextAsync(ConsoleHost node) =>
        await node.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();

    private static async Task<int> AddChannelAsync(ConsoleHost node, HookReceiver receiver)
    {
        using var response = await node.Http.PostAsJsonAsync("/api/alert-channels", new { name = "hook", kind = "Webhook", url = receiver.Address });
        return await CreatedIdAsync(response);
    }

    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }

}
