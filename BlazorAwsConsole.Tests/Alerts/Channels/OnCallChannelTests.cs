using System.Text.Json;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>
/// PagerDuty and Opsgenie, each against a loopback receiver standing in for the service (the channel's endpoint
/// points there) that checks every request against the service's documented format; keys in (fake) Vault.
/// </summary>
public sealed class OnCallChannelTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string RoutingKey = "R0123456789abcdef0123456789abcdE";
    private const string ApiKey = "01234567-89ab-cdef-0123-456789abcdef";

    [Fact]
    public async Task PagerDuty_gets_a_trigger_then_acknowledge_and_resolve_with_the_same_dedup_key_and_a_link_to_the_console()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var pagerDuty = await HookReceiver.StartAsync();
        pagerDuty.Respond = _ => 202;
        await using var console = await VaultConsole.StartAsync(moto, vault,
            [.. ChannelConsole.FastRetries, "Console:PublicUrl=https://noc.example.com", "Alerts:Delivery:ConsoleUrl=https://old.example.com"]);
        var channel = await ChannelConsole.AddAsync(console, new { name = "pd", kind = "PagerDuty", routingKey = RoutingKey, endpoint = pagerDuty.Address + "/v2/enqueue" });
        channel.GetProperty("routingKey").GetString().Should().Be("set");
        var id = channel.GetProperty("id").GetInt32();
        vault.KvVersions($"blazor-aws-console/channels/{id}").Single()["routingKey"].Should().Be(RoutingKey);

        await ChannelConsole.LifecycleAsync(console, id, () => pagerDuty.Requests.Count);

        var events = pagerDuty.Requests.Select(r => (Request: r, Body: JsonDocument.Parse(r.Body).RootElement)).ToList();
        events.Should().AllSatisfy(e =>
        {
            e.Request.Path.Should().Be("/v2/enqueue");
            e.Request.Headers["Content-Type"].Should().StartWith("application/json");
            e.Body.GetProperty("routing_key").GetString().Should().Be(RoutingKey);
            e.Body.GetProperty("dedup_key").GetString().Should().Be("bac-alert-42", "one key per alert ties the acknowledge and resolve to the incident");
        });
        events.Select(e => e.Body.GetProperty("event_action").GetString()).Should().Equal("trigger", "acknowledge", "resolve");
        var trigger = events[0].Body;
        var payload = trigger.GetProperty("payload");
        payload.GetProperty("summary").GetString().Should().Be("[CRITICAL] firing: web-1 stopped answering");
        payload.GetProperty("severity").GetString().Should().Be("critical");
        payload.GetProperty("source").GetString().Should().Be("i-0abc (web-1)");
        payload.GetProperty("timestamp").GetDateTimeOffset().Should().Be(new DateTimeOffset(2026, 11, 25, 9, 18, 0, TimeSpan.Zero));
        payload.GetProperty("group").GetString().Should().Be("web down");
        payload.GetProperty("class").GetString().Should().Be("web down");
        payload.GetProperty("custom_details").GetProperty("rule").GetString().Should().Be("web down");
        trigger.GetProperty("links")[0].GetProperty("href").GetString().Should().Be("https://noc.example.com/instances/i-0abc", "Console:PublicUrl is preferred");
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, id)).Count(d => d.Status == DeliveryStatus.Sent) == 3, "three deliveries are recorded as sent");
    }

    [Fact]
    public async Task A_PagerDuty_summary_is_cut_to_1024_characters_and_warnings_stay_warnings()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var pagerDuty = await HookReceiver.StartAsync();
        await using var console = await VaultConsole.StartAsync(moto, vault, ChannelConsole.FastRetries);
        var id = (await ChannelConsole.AddAsync(console, new { name = "pd", kind = "PagerDuty", routingKey = RoutingKey, endpoint = pagerDuty.Address })).GetProperty("id").GetInt32();

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample(severity: "warning") with { Summary = new string('x', 3000) }, [id]);
        await ChannelConsole.WaitUntilAsync(() => pagerDuty.Requests.Count >= 1, "PagerDuty got the trigger");

        var payload = JsonDocument.Parse(pagerDuty.Requests[0].Body).RootElement.GetProperty("payload");
        payload.GetProperty("summary").GetString()!.Length.Should().Be(1024);
        payload.GetProperty("severity").GetString().Should().Be("warning");
    }

    [Fact]
    public async Task Opsgenie_creates_the_alert_by_alias_then_acknowledges_and_closes_it_by_that_alias_with_its_GenieKey()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var opsgenie = await HookReceiver.StartAsync();
        opsgenie.Respond = _ => 202;
        await using var console = await VaultConsole.StartAsync(moto, vault, [.. ChannelConsole.FastRetries, "Alerts:Delivery:ConsoleUrl=https://console.example.com"]);
        var channel = await ChannelConsole.AddAsync(console, new { name = "og", kind = "Opsgenie", apiKey = ApiKey, region = "eu", endpoint = opsgenie.Address });
        (channel.GetProperty("apiKey").GetString(), channel.GetProperty("region").GetString()).Should().Be(("set", "eu"));
        var id = channel.GetProperty("id").GetInt32();

        await ChannelConsole.LifecycleAsync(console, id, () => opsgenie.Requests.Count, severity: "warning");

        var requests = opsgenie.Requests;
        requests.Should().AllSatisfy(r => r.Headers["Authorization"].Should().Be($"GenieKey {ApiKey}"));
        requests.Select(r => (r.Method, r.Path)).Should().Equal(
            ("POST", "/v2/alerts"),
            ("POST", "/v2/alerts/bac-alert-42/acknowledge?identifierType=alias"),
            ("POST", "/v2/alerts/bac-alert-42/close?identifierType=alias"));
        var create = JsonDocument.Parse(requests[0].Body).RootElement;
        create.GetProperty("alias").GetString().Should().Be("bac-alert-42");
        create.GetProperty("message").GetString().Should().Be("web-1 stopped answering");
        create.GetProperty("priority").GetString().Should().Be("P3", "warnings are P3 (critical P1, info P5)");
        create.GetProperty("description").GetString().Should().Contain("https://console.example.com/instances/i-0abc");
        create.GetProperty("details").GetProperty("rule").GetString().Should().Be("web down");
        JsonDocument.Parse(requests[1].Body).RootElement.GetProperty("note").GetString().Should().Contain("acknowledged by alice");
        JsonDocument.Parse(requests[2].Body).RootElement.GetProperty("note").GetString().Should().Contain("Resolved after 12 min");
    }

    [Fact]
    public async Task An_Opsgenie_message_is_cut_to_130_characters_and_the_default_region_is_us()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var opsgenie = await HookReceiver.StartAsync();
        await using var console = await VaultConsole.StartAsync(moto, vault, ChannelConsole.FastRetries);
        var channel = await ChannelConsole.AddAsync(console, new { name = "og", kind = "Opsgenie", apiKey = ApiKey, endpoint = opsgenie.Address + "/" });
        channel.GetProperty("region").GetString().Should().Be("us");

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample() with { Summary = new string('y', 500) }, [channel.GetProperty("id").GetInt32()]);
        await ChannelConsole.WaitUntilAsync(() => opsgenie.Requests.Count >= 1, "Opsgenie got the alert");

        var create = JsonDocument.Parse(opsgenie.Requests[0].Body).RootElement;
        create.GetProperty("message").GetString()!.Length.Should().Be(130);
        create.GetProperty("priority").GetString().Should().Be("P1");
    }
}
