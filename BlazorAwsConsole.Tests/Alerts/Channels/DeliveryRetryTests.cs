using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>Retries with backoff, recorded failures, the "failing" flag, and deliveries that survive a restart.</summary>
public class DeliveryRetryTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    [Fact]
    public async Task A_receiver_that_keeps_failing_gets_every_attempt_then_the_failure_is_recorded_and_the_channel_flagged()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Respond = _ => 500;
        await using var console = await ConsoleHost.StartAsync(moto, Database, [.. ChannelConsole.FastRetries, "Alerts:Delivery:MaxAttempts=3", "Alerts:Delivery:FailingAfter=1"]);
        var health = new ConcurrentQueue<ChannelHealthChanged>();
        using var _ = console.Get<LiveFeed>().Subscribe<ChannelHealthChanged>(change => { health.Enqueue(change); return Task.CompletedTask; });
        var id = (await ChannelConsole.AddAsync(console, new { name = "broken", kind = "Webhook", url = receiver.Address })).GetProperty("id").GetInt32();

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample());
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, id)).SingleOrDefault()?.Status == DeliveryStatus.Failed,
            "the delivery is given up after its attempts");

        var delivery = (await ChannelConsole.DeliveriesAsync(console, id)).Single();
        delivery.Attempts.Should().Be(3);
        receiver.Requests.Should().HaveCount(3, "each attempt reached the receiver");
        delivery.LastError.Should().Contain("HTTP 500").And.Contain("receiver is broken");
        var failing = await console.Get<NotificationChannelService>().FailingChannelsAsync();
        failing.Should().ContainSingle(c => c.Id == id).Which.LastError.Should().Contain("HTTP 500");
        await ChannelConsole.WaitUntilAsync(() => health.Any(h => h.ChannelId == id && h.IsFailing), "the flag change is published");
        var shown = await console.Http.GetFromJsonAsync<JsonElement>($"/api/alert-channels/{id}");
        shown.GetProperty("isFailing").GetBoolean().Should().BeTrue();
        shown.GetProperty("recentDeliveries")[0].GetProperty("status").GetString().Should().Be("Failed");

        // The receiver recovers: a sent test clears the flag.
        receiver.Respond = _ => 200;
        var test = await (await console.Http.PostAsync($"/api/alert-channels/{id}/test", null)).JsonAsync();
        test.GetProperty("sent").GetBoolean().Should().BeTrue();
        (await console.Get<NotificationChannelService>().FailingChannelsAsync()).Should().BeEmpty();
        await ChannelConsole.WaitUntilAsync(() => health.Any(h => h.ChannelId == id && !h.IsFailing), "the recovery is published");
    }

    [Fact]
    public async Task A_receiver_that_recovers_gets_the_notification_on_a_retry()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Respond = n => n <= 2 ? 503 : 200;
        await using var console = await ConsoleHost.StartAsync(moto, Database, [.. ChannelConsole.FastRetries, "Alerts:Delivery:MaxAttempts=5"]);
        var id = (await ChannelConsole.AddAsync(console, new { name = "flaky", kind = "Webhook", url = receiver.Address })).GetProperty("id").GetInt32();

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample());
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, id)).SingleOrDefault()?.Status == DeliveryStatus.Sent, "the third attempt got through");

        var delivery = (await ChannelConsole.DeliveriesAsync(console, id)).Single();
        delivery.Attempts.Should().Be(3);
        delivery.LastError.Should().BeNull();
        receiver.Requests.Select(r => r.Text).Distinct().Should().ContainSingle("every retry sends the same body");
        (await console.Get<NotificationChannelService>().FailingChannelsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_429_and_a_503_are_retried_no_sooner_than_their_Retry_After_in_seconds_or_as_an_HTTP_date()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Respond = n => n switch { 1 => 429, 2 => 503, _ => 202 };
        receiver.ResponseHeaders = n => n switch
        {
            1 => new Dictionary<string, string> { ["Retry-After"] = "2" },
            2 => new Dictionary<string, string> { ["Retry-After"] = DateTimeOffset.UtcNow.AddSeconds(3).ToString("R") },
            _ => null,
        };
        // The backoff alone would retry after 0.2 s, then 0.4 s.
        // Every kind's POST goes the same way (the PagerDuty and chat kinds' tests need Vault for their keys; a webhook does not).
        await using var console = await ConsoleHost.StartAsync(moto, Database, [.. ChannelConsole.FastRetries, "Alerts:Delivery:MaxAttempts=5"]);
        var id = (await ChannelConsole.AddAsync(console, new { name = "busy hook", kind = "Webhook", url = receiver.Address })).GetProperty("id").GetInt32();

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample());
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, id)).SingleOrDefault()?.Status == DeliveryStatus.Sent, "the third attempt got through");

        var requests = receiver.Requests;
        requests.Should().HaveCount(3);
        (requests[1].At - requests[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9), "the 429 asked for 2 s");
        (requests[2].At - requests[1].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1), "the 503 asked for a time (HTTP date, whole seconds) about 3 s later");
        (await ChannelConsole.DeliveriesAsync(console, id)).Single().Attempts.Should().Be(3);
    }

    [Fact]
    public async Task A_refusal_with_a_4xx_is_not_retried_and_says_why()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Respond = _ => 400;
        await using var console = await ConsoleHost.StartAsync(moto, Database, [.. ChannelConsole.FastRetries, "Alerts:Delivery:MaxAttempts=5"]);
        var id = (await ChannelConsole.AddAsync(console, new { name = "refusing", kind = "Webhook", url = receiver.Address })).GetProperty("id").GetInt32();

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample());
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, id)).SingleOrDefault()?.Status == DeliveryStatus.Failed, "the delivery failed");

        var delivery = (await ChannelConsole.DeliveriesAsync(console, id)).Single();
        delivery.Attempts.Should().Be(1);
        delivery.LastError.Should().Contain("HTTP 400").And.Contain("not retried");
        receiver.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Pending_deliveries_are_resumed_when_the_console_starts_again()
    {
        await using var database = await Database.CreateAsync();
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Respond = _ => 500;
        int id;
        await using (var first = await ConsoleHost.StartAsync(moto, Database, [.. database.Settings, "Alerts:Delivery:FirstRetrySeconds=3600", "Alerts:Delivery:MaxAttempts=10"]))
        {
            id = (await ChannelConsole.AddAsync(first, new { name = "later", kind = "Webhook", url = receiver.Address })).GetProperty("id").GetInt32();
            first.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample(alertId: 9));
            await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(first, id)).SingleOrDefault()?.Attempts == 1, "the first attempt failed");
            (await ChannelConsole.DeliveriesAsync(first, id)).Single().Status.Should().Be(DeliveryStatus.Pending, "the next attempt is an hour away");
        }

        receiver.Respond = _ => 200;
        await using var second = await ConsoleHost.StartAsync(moto, Database, [.. database.Settings, "Alerts:Delivery:FirstRetrySeconds=3600", "Alerts:Delivery:MaxAttempts=10"]);
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(second, id)).SingleOrDefault()?.Status == DeliveryStatus.Sent,
            "the restarted console sent the pending delivery");
        var delivery = (await ChannelConsole.DeliveriesAsync(second, id)).Single();
        (delivery.AlertId, delivery.Attempts).Should().Be((9L, 2));
        receiver.Requests.Should().HaveCount(2);
        JsonDocument.Parse(receiver.Requests[1].Body).RootElement.GetProperty("alertId").GetInt64().Should().Be(9);
    }
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliveryRetryTestsOnPostgres(MotoFixture moto, PostgresServer postgres) : DeliveryRetryTests(moto)
{
    protected override ConsoleDatabase Database => postgres;
}
