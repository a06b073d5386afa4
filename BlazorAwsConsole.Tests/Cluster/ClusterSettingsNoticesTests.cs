using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.JumpServers;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.JumpServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Live across nodes for the settings-like pages: two consoles on one PostgreSQL database. A template, channel,
/// delivery, channel health, credential set or Vault status change made through node A's API reaches node B's
/// LiveFeed (so B's open pages redraw) as B's own re-read, marked as relayed; no notice carries a secret.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterSettingsNoticesTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const string Region = "us-east-1";

    [Fact]
    public async Task A_template_created_edited_and_deleted_through_node_a_is_announced_on_node_bs_feed()
    {
        await using var shared = await postgres.CreateAsync();
        var cluster = Cluster(shared);
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        using var heard = Heard<TemplatesChanged>.On(nodeB);

        var clock = Stopwatch.StartNew();
        var body = await Templates.ValidAsync(moto, Region, $"relayed-{Guid.NewGuid():n}"[..20]);
        var id = (await Templates.CreateAsync(nodeA, body)).GetProperty("id").GetInt32();
        await PollAsync(() => heard.Count(t => t.TemplateId == id) >= 1, () => "node B heard nothing of the new template");
        output.WriteLine($"template made on A announced on B {clock.Elapsed.TotalMilliseconds:0} ms after the request");
        // What B's page then reads is the database: B's API lists it.
        (await nodeB.Http.GetStringAsync("/api/templates")).Should().Contain(body["name"]!.GetValue<string>());

        body["description"] = "edited through node A";
        (await nodeA.Http.PutAsJsonAsync($"/api/templates/{id}", body)).EnsureSuccessStatusCode();
        await PollAsync(() => heard.Count(t => t.TemplateId == id) >= 2, () => "node B heard nothing of the edit");

        (await nodeA.Http.DeleteAsync($"/api/templates/{id}")).EnsureSuccessStatusCode();
        await PollAsync(() => heard.Count(t => t.TemplateId == id) >= 3, () => "node B heard nothing of the delete");
        heard.All.Should().OnlyContain(e => nodeB.Get<RelayedEvents>().IsRelayed(e), "B published them for A's changes, so B's outbox does not echo them");
    }

    [Fact]
    public async Task A_channel_added_on_node_a_its_failed_test_send_and_its_failing_flag_reach_node_b_as_stored()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Respond = _ => 500;
        await using var shared = await postgres.CreateAsync();
        string[] cluster = [.. Cluster(shared), .. ChannelConsole.FastRetries, "Alerts:Delivery:FailingAfter=1"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        using var channels = Heard<NotificationChannelsChanged>.On(nodeB);
        using var deliveries = Heard<NotificationDeliveryRecorded>.On(nodeB);
        using var health = Heard<ChannelHealthChanged>.On(nodeB);

        var id = (await ChannelConsole.AddAsync(nodeA, new { name = "relayed-hook", kind = "webhook", url = receiver.Address })).GetProperty("id").GetInt32();
        await PollAsync(() => channels.Count(c => c.ChannelId == id) >= 1, () => "node B heard nothing of the new channel");

        using var test = await nodeA.Http.PostAsync($"/api/alert-channels/{id}/test", null);
        (await test.JsonAsync()).GetProperty("sent").GetBoolean().Should().BeFalse("the receiver answers 500");
        var stored = (await ChannelConsole.DeliveriesAsync(nodeA, id)).Single();
        await PollAsync(() => deliveries.Count(d => d.DeliveryId == stored.Id) >= 1 && health.Count(h => h.ChannelId == id) >= 1,
            () => $"node B heard {deliveries.Count(d => d.ChannelId == id)} delivery and {health.Count(h => h.ChannelId == id)} health event(s)");
        // Built from B's read of the database, not from anything the notice carried.
        deliveries.All.Single(d => d.DeliveryId == stored.Id).Should().Be(new NotificationDeliveryRecorded(id, stored.Id, DeliveryStatus.Failed));
        var failing = health.All.Single(h => h.ChannelId == id);
        failing.IsFailing.Should().BeTrue();
        failing.Name.Should().Be("relayed-hook");
        failing.LastError.Should().Contain("500");

        (await nodeA.Http.DeleteAsync($"/api/alert-channels/{id}")).EnsureSuccessStatusCode();
        await PollAsync(() => channels.Count(c => c.ChannelId == id) >= 2, () => "node B heard nothing of the delete");
    }

    [Fact]
    public async Task A_credential_set_added_and_deleted_on_node_a_is_in_and_out_of_node_bs_directory_and_no_notice_carries_its_key()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var shared = await postgres.CreateAsync();
        string[] cluster = [.. Cluster(shared), .. VaultSettings(vault)];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        await using var tap = await NoticeTap.StartAsync(nodeA);
        using var heard = Heard<CredentialsChanged>.On(nodeB);
        var key = await MotoIam.CreateUserWithKeyAsync(moto, $"relay-{Guid.NewGuid():n}"[..20]);
        var name = $"relayed-{Guid.NewGuid():n}"[..16];

        using (var added = await nodeA.Http.PostAsJsonAsync("/api/settings/credentials",
            new { name, kind = "KeyPair", accessKeyId = key.AccessKeyId, secretAccessKey = key.SecretAccessKey, regions = new[] { Region } }))
        {
            added.IsSuccessStatusCode.Should().BeTrue(await added.Content.ReadAsStringAsync());
        }
        await PollAsync(() => nodeB.Get<CredentialDirectory>().ForRegion(Region)?.Name == name && heard.Count(c => c.Name == name) >= 1,
            () => $"node B's directory has {nodeB.Get<CredentialDirectory>().ForRegion(Region)?.Name ?? "nothing"} for {Region}");

        (await nodeA.Http.DeleteAsync($"/api/settings/credentials/{name}")).EnsureSuccessStatusCode();
        await PollAsync(() => nodeB.Get<CredentialDirectory>().Find(name) is null && heard.Count(c => c.Name == name) >= 2,
            () => "node B's directory still has the deleted set");

        var payloads = tap.Payloads;
        payloads.Should().Contain(p => p.Contains(name), "the notices name the set");
        payloads.Should().NotContain(p => p.Contains(key.SecretAccessKey) || p.Contains(key.AccessKeyId), "a notice names rows, never a key");
    }

    [Fact]
    public async Task Vault_found_sealed_by_node_a_makes_node_b_check_vault_at_once_and_so_is_its_recovery()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var shared = await postgres.CreateAsync();
        // Neither node's own status timer comes round during the test: only A's notice can make B check.
        string[] cluster = [.. Cluster(shared), .. VaultSettings(vault), "Vault:StatusCheckSeconds=3600"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        var statusB = nodeB.Get<VaultStatus>();
        statusB.Available.Should().BeTrue();

        vault.Sealed = true;
        (await nodeA.Http.GetFromJsonAsync<JsonElement>("/api/settings/vault")).GetProperty("sealed").GetBoolean().Should().BeTrue();
        await PollAsync(() => !statusB.Available, () => "node B still thinks Vault is available");
        statusB.Reason.Should().Contain("sealed", "B asked Vault itself; the notice carries no reason");

        vault.Sealed = false;
        (await nodeA.Http.GetFromJsonAsync<JsonElement>("/api/settings/vault")).GetProperty("sealed").GetBoolean().Should().BeFalse();
        await PollAsync(() => statusB.Available, () => $"node B still thinks Vault is unavailable: {statusB.Reason}");
    }

    [Fact]
    public async Task A_template_changed_behind_the_services_back_reaches_node_b_by_its_re_read_timer()
    {
        await using var shared = await postgres.CreateAsync();
        var cluster = Cluster(shared);
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b", "Cluster:RefreshSeconds=2"]);
        using var heard = Heard<TemplatesChanged>.On(nodeB);
        var id = (await Templates.CreateAsync(nodeA, await Templates.ValidAsync(moto, Region, $"timer-{Guid.NewGuid():n}"[..16]))).GetProperty("id").GetInt32();
        await PollAsync(() => heard.Count(t => t.TemplateId == id) >= 1, () => "node B heard nothing of the new template");
        // Two more applied re-reads: at least one timer tick has seen the template as it is now.
        var listener = nodeB.Get<NoticeListener>();
        var applied = listener.Applied;
        await PollAsync(() => listener.Applied >= applied + 2, () => $"node B applied {listener.Applied - applied} re-read(s)");

        // Written straight to the database: no service, no LiveFeed, no notice (as if the notice was lost).
        await using (var db = await nodeA.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            var template = await db.Templates.SingleAsync(t => t.Id == id);
            template.UpdatedAt = template.UpdatedAt.AddMinutes(1);
            await db.SaveChangesAsync();
        }
        await PollAsync(() => heard.Count(t => t.TemplateId == id) >= 2, () => "node B's timer did not announce the changed template");
    }

    /// <summary>One database and one scheduler name: the nodes of one cluster (call once per cluster).</summary>
    private static string[] Cluster(TestDatabase shared) => [.. shared.Settings, $"Quartz:SchedulerName=settings-notices-{Guid.NewGuid():n}"];

    private static string[] VaultSettings(FakeVaultServer vault) =>
        [$"Vault:Address={vault.Address}", $"Vault:Token={vault.RootToken}", "Vault:TimeoutSeconds=2", "Aws:TimeoutSeconds=20"];

    private static Task PollAsync(Func<bool> condition, Func<string> describe) => Poll.UntilAsync(condition, TimeSpan.FromSeconds(30), describe, everyMs: 50);

    /// <summary>Every <typeparamref name="TEvent"/> a node's LiveFeed carries from now on.</summary>
    private sealed class Heard<TEvent> : IDisposable where TEvent : notnull
    {
        private readonly ConcurrentQueue<TEvent> _events = new();
        private IDisposable _subscription = null!;

        public static Heard<TEvent> On(ConsoleHost node)
        {
            var heard = new Heard<TEvent>();
            heard._subscription = node.Get<LiveFeed>().Subscribe<TEvent>(e => { heard._events.Enqueue(e); return Task.CompletedTask; }, 1_000);
            return heard;
        }

        public IReadOnlyList<TEvent> All => [.. _events];

        public int Count(Func<TEvent, bool> which) => _events.Count(which);

        public void Dispose() => _subscription.Dispose();
    }

    /// <summary>Listens on the cluster's channel like a node does, keeping every payload.</summary>
    private sealed class NoticeTap : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentQueue<string> _payloads = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _waiting = Task.CompletedTask;

        private NoticeTap(NpgsqlConnection connection) => _connection = connection;

        public IReadOnlyList<string> Payloads => [.. _payloads];

        public static async Task<NoticeTap> StartAsync(ConsoleHost node)
        {
            var tap = new NoticeTap(new NpgsqlConnection(node.Get<IConfiguration>().GetConnectionString("Console")));
            await tap._connection.OpenAsync();
            tap._connection.Notification += (_, e) => tap._payloads.Enqueue(e.Payload);
            await using (var listen = new NpgsqlCommand($"LISTEN {ClusterNotice.Channel}", tap._connection)) await listen.ExecuteNonQueryAsync();
            tap._waiting = Task.Run(async () =>
            {
                try { while (true) await tap._connection.WaitAsync(tap._stop.Token); }
                catch (OperationCanceledException) { }
            });
            return tap;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _waiting;
            await _connection.DisposeAsync();
            _stop.Dispose();
        }
    }
}
