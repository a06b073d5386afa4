using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>The generic webhook and the Slack-compatible webhook, against receivers on loopback, with their secrets in (fake) Vault.</summary>
public sealed class WebhookChannelTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task A_queued_alert_reaches_the_webhook_as_camelCase_JSON_with_a_valid_HMAC_signature()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var receiver = await HookReceiver.StartAsync();
        await using var console = await VaultConsole.StartAsync(moto, vault, [.. ChannelConsole.FastRetries, "Alerts:Delivery:ConsoleUrl=https://console.example.com"]);
        const string secret = "hmac-secret-0123456789abcdef";
        var channel = await ChannelConsole.AddAsync(console, new { name = "ops hook", kind = "Webhook", url = receiver.Address + "/hooks/alerts", hmacSecret = secret });
        channel.GetProperty("hmacSecret").GetString().Should().Be("set");
        var id = channel.GetProperty("id").GetInt32();
        vault.KvVersions($"blazor-aws-console/channels/{id}").Single()["hmacSecret"].Should().Be(secret, "the secret is kept in Vault beside the credentials");

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample());
        await ChannelConsole.WaitUntilAsync(() => receiver.Requests.Count >= 1, "the webhook got the alert");

        var request = receiver.Requests.Single();
        request.Path.Should().Be("/hooks/alerts");
        request.Headers["Content-Type"].Should().StartWith("application/json");
        var body = JsonDocument.Parse(request.Body).RootElement;
        body.GetProperty("alertId").GetInt64().Should().Be(42);
        body.GetProperty("ruleName").GetString().Should().Be("web down");
        body.GetProperty("severity").GetString().Should().Be("critical");
        body.GetProperty("status").GetString().Should().Be("firing");
        body.GetProperty("subject").GetString().Should().Be("i-0abc (web-1)");
        body.GetProperty("summary").GetString().Should().Be("web-1 stopped answering");
        body.GetProperty("at").GetDateTimeOffset().Should().Be(new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero));
        body.GetProperty("link").GetString().Should().Be("https://console.example.com/instances/i-0abc", "relative links are made absolute with the console's URL");

        // Verified the way a receiver would: HMAC-SHA256 over "<timestamp>." + the exact body bytes.
        var timestamp = request.Headers["X-Console-Timestamp"];
        long.Parse(timestamp).Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 120);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. request.Body]));
        request.Headers["X-Console-Signature"].Should().Be(expected);
        var forged = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("another-secret-entirely"), (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. request.Body]));
        request.Headers["X-Console-Signature"].Should().NotBe(forged);

        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, id)).SingleOrDefault()?.Status == DeliveryStatus.Sent, "the delivery is recorded as sent");
        var delivery = (await ChannelConsole.DeliveriesAsync(console, id)).Single();
        (delivery.AlertId, delivery.Attempts, delivery.LastError).Should().Be((42L, 1, null));
        request.Headers["X-Console-Delivery"].Should().Be(delivery.Id.ToString());
    }

    [Fact]
    public async Task A_webhook_without_a_secret_is_not_signed_and_works_without_Vault()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var console = await ConsoleHost.StartAsync(moto, ChannelConsole.FastRetries);
        var id = (await ChannelConsole.AddAsync(console, new { name = "plain", kind = "webhook", url = receiver.Address })).GetProperty("id").GetInt32();

        using var test = await console.Http.PostAsync($"/api/alert-channels/{id}/test", null);
        test.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = await test.JsonAsync();
        result.GetProperty("sent").GetBoolean().Should().BeTrue();

        var request = receiver.Requests.Single();
        request.Headers.Should().NotContainKey("X-Console-Signature");
        JsonDocument.Parse(request.Body).RootElement.GetProperty("ruleName").GetString().Should().Be("Send test");
        var deliveries = await console.Http.GetFromJsonAsync<JsonElement>($"/api/alert-channels/{id}/deliveries");
        deliveries.GetProperty("total").GetInt32().Should().Be(1);
        deliveries.GetProperty("items")[0].GetProperty("status").GetString().Should().Be("Sent");
        deliveries.GetProperty("items")[0].GetProperty("alertId").ValueKind.Should().Be(JsonValueKind.Null, "a test send belongs to no alert");
    }

    [Fact]
    public async Task Slack_gets_text_and_a_severity_coloured_attachment_and_its_URL_stays_in_Vault()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var slack = await HookReceiver.StartAsync();
        await using var console = await VaultConsole.StartAsync(moto, vault, ChannelConsole.FastRetries);
        var hookPath = "/services/T000/B000/" + Guid.NewGuid().ToString("n");
        var channel = await ChannelConsole.AddAsync(console, new { name = "noc slack", kind = "Slack", url = slack.Address + hookPath });
        var id = channel.GetProperty("id").GetInt32();
        channel.GetProperty("slackWebhookUrl").GetString().Should().Be("set");
        channel.ToString().Should().NotContain(hookPath);

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample(severity: "warning"), [id]);
        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample(severity: "warning", status: "resolved"), [id]);
        await ChannelConsole.WaitUntilAsync(() => slack.Requests.Count >= 2, "Slack got both messages");

        var requests = slack.Requests.OrderBy(r => r.Text.Contains("resolved", StringComparison.OrdinalIgnoreCase)).ToList();
        requests.Should().AllSatisfy(r => r.Path.Should().Be(hookPath));
        var firing = JsonDocument.Parse(requests[0].Body).RootElement;
        firing.GetProperty("text").GetString().Should().StartWith("[WARNING] firing: web-1 stopped answering");
        var attachment = firing.GetProperty("attachments")[0];
        attachment.GetProperty("color").GetString().Should().Be("#f9a825", "warnings are amber");
        attachment.GetProperty("blocks").GetRawText().Should().Contain("i-0abc (web-1)").And.Contain("web down");
        JsonDocument.Parse(requests[1].Body).RootElement.GetProperty("attachments")[0].GetProperty("color").GetString().Should().Be("#2e7d32", "resolved is green");

        var listed = await console.Http.GetStringAsync("/api/alert-channels");
        listed.Should().NotContain(hookPath).And.Contain("Slack webhook at 127.0.0.1");
        vault.KvVersions($"blazor-aws-console/channels/{id}").Single()["slackUrl"].Should().EndWith(hookPath);
    }
}
