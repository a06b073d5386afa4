using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>
/// The chat kinds (Teams, Discord, Google Chat, Mattermost, Telegram, ntfy, Pushover) against loopback receivers
/// that check each request against the service's documented format: a full message when an alert fires, one short
/// line when it is acknowledged ("acknowledged by …") or resolved ("Resolved after 12 min"), and no resolve at all
/// when the channel's notifyResolved is off.
/// </summary>
public sealed class ChatChannelTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly string[] Settings = [.. ChannelConsole.FastRetries, "Console:PublicUrl=https://noc.example.com"];
    private const string Link = "https://noc.example.com/instances/i-0abc";

    private static JsonElement Json(HookReceiver.Received request) => JsonDocument.Parse(request.Body).RootElement;

    private async Task<(HookReceiver Receiver, ConsoleHost Console, int Id, FakeVaultServer Vault)> StartAsync(Func<string, object> channel)
    {
        var vault = await FakeVaultServer.StartAsync();
        var receiver = await HookReceiver.StartAsync();
        var console = await VaultConsole.StartAsync(moto, vault, Settings);
        var id = (await ChannelConsole.AddAsync(console, channel(receiver.Address))).GetProperty("id").GetInt32();
        return (receiver, console, id, vault);
    }

    private static async Task StopAsync((HookReceiver Receiver, ConsoleHost Console, int Id, FakeVaultServer Vault) run)
    {
        await run.Console.DisposeAsync();
        await run.Receiver.DisposeAsync();
        await run.Vault.DisposeAsync();
    }

    [Fact]
    public async Task Teams_gets_an_Adaptive_Card_with_the_facts_and_an_open_action_then_one_line_cards()
    {
        var run = await StartAsync(address => new { name = "teams", kind = "Teams", url = address + "/workflows/abc/triggers/manual/paths/invoke?sig=s3cret" });
        try
        {
            await ChannelConsole.LifecycleAsync(run.Console, run.Id, () => run.Receiver.Requests.Count);
            var requests = run.Receiver.Requests;
            requests.Should().AllSatisfy(r => r.Path.Should().Be("/workflows/abc/triggers/manual/paths/invoke?sig=s3cret"));
            var message = Json(requests[0]);
            message.GetProperty("type").GetString().Should().Be("message");
            var attachment = message.GetProperty("attachments")[0];
            attachment.GetProperty("contentType").GetString().Should().Be("application/vnd.microsoft.card.adaptive");
            var card = attachment.GetProperty("content");
            card.GetProperty("type").GetString().Should().Be("AdaptiveCard");
            card.GetProperty("body")[0].GetProperty("text").GetString().Should().Be("[CRITICAL] firing: web-1 stopped answering");
            card.GetProperty("body")[0].GetProperty("color").GetString().Should().Be("attention");
            card.GetProperty("body")[1].GetProperty("facts").EnumerateArray().Select(f => f.GetProperty("title").GetString()).Should().Contain(["Rule", "Subject"]);
            card.GetProperty("actions")[0].GetProperty("url").GetString().Should().Be(Link);
            var ack = Json(requests[1]).GetProperty("attachments")[0].GetProperty("content").GetProperty("body");
            ack.GetArrayLength().Should().Be(1, "an acknowledgement is one line");
            ack[0].GetProperty("text").GetString().Should().Contain("acknowledged by alice");
            Json(requests[2]).GetProperty("attachments")[0].GetProperty("content").GetProperty("body")[0].GetProperty("text").GetString()
                .Should().Be("Resolved after 12 min: web down on i-0abc (web-1)");
        }
        finally { await StopAsync(run); }
    }

    [Fact]
    public async Task Discord_gets_content_and_a_coloured_embed_with_fields_and_the_link_and_never_pings_anyone()
    {
        var run = await StartAsync(address => new { name = "discord", kind = "Discord", url = address + "/api/webhooks/123/tok3n" });
        try
        {
            await ChannelConsole.LifecycleAsync(run.Console, run.Id, () => run.Receiver.Requests.Count);
            var firing = Json(run.Receiver.Requests[0]);
            run.Receiver.Requests[0].Path.Should().Be("/api/webhooks/123/tok3n");
            firing.GetProperty("content").GetString().Should().Be("[CRITICAL] firing: web-1 stopped answering");
            firing.GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength().Should().Be(0);
            var embed = firing.GetProperty("embeds")[0];
            embed.GetProperty("color").GetInt32().Should().Be(0xd32f2f, "critical is red");
            embed.GetProperty("url").GetString().Should().Be(Link);
            embed.GetProperty("fields").EnumerateArray().Should().Contain(f => f.GetProperty("name").GetString() == "Subject" && f.GetProperty("value").GetString() == "i-0abc (web-1)");
            Json(run.Receiver.Requests[1]).GetProperty("content").GetString().Should().StartWith("Acknowledged: web down").And.Contain("acknowledged by alice");
            var resolved = Json(run.Receiver.Requests[2]);
            resolved.GetProperty("content").GetString().Should().Be($"Resolved after 12 min: web down on i-0abc (web-1) {Link}");
            resolved.TryGetProperty("embeds", out _).Should().BeFalse();
        }
        finally { await StopAsync(run); }
    }

    [Fact]
    public async Task Google_Chat_gets_text_and_a_cardsV2_card_with_an_open_button()
    {
        var run = await StartAsync(address => new { name = "gchat", kind = "GoogleChat", url = address + "/v1/spaces/AAA/messages?key=k&token=t" });
        try
        {
            await ChannelConsole.LifecycleAsync(run.Console, run.Id, () => run.Receiver.Requests.Count);
            var firing = Json(run.Receiver.Requests[0]);
            run.Receiver.Requests[0].Path.Should().Be("/v1/spaces/AAA/messages?key=k&token=t");
            firing.GetProperty("text").GetString().Should().StartWith("[CRITICAL] firing: web-1 stopped answering").And.Contain($"<{Link}|Open in the console>");
            var card = firing.GetProperty("cardsV2")[0];
            card.GetProperty("cardId").GetString().Should().Be("alert-42");
            var widgets = card.GetProperty("card").GetProperty("sections")[0].GetProperty("widgets");
            widgets.GetRawText().Should().Contain("i-0abc (web-1)");
            widgets[widgets.GetArrayLength() - 1].GetProperty("buttonList").GetProperty("buttons")[0].GetProperty("onClick").GetProperty("openLink").GetProperty("url").GetString().Should().Be(Link);
            var resolved = Json(run.Receiver.Requests[2]);
            resolved.GetProperty("text").GetString().Should().StartWith("Resolved after 12 min: web down on i-0abc (web-1)");
            resolved.TryGetProperty("cardsV2", out _).Should().BeFalse();
        }
        finally { await StopAsync(run); }
    }

    [Fact]
    public async Task Mattermost_gets_a_Slack_compatible_text_and_attachment_and_no_resolve_when_notifyResolved_is_off()
    {
        var run = await StartAsync(address => new { name = "mm", kind = "Mattermost", url = address + "/hooks/xyz", notifyResolved = false });
        try
        {
            var console = run.Console;
            (await console.Http.GetFromJsonAsync<JsonElement>($"/api/alert-channels/{run.Id}")).GetProperty("notifyResolved").GetBoolean().Should().BeFalse();
            var fired = ChannelConsole.Sample(severity: "warning") with { FiredAt = new DateTimeOffset(2026, 11, 25, 9, 18, 0, TimeSpan.Zero) };
            console.Get<IAlertNotifier>().Enqueue(fired, [run.Id]);
            await ChannelConsole.WaitUntilAsync(() => run.Receiver.Requests.Count >= 1, "Mattermost got the alert");
            console.Get<IAlertNotifier>().Enqueue(fired with { Status = "resolved" }, [run.Id]);
            console.Get<IAlertNotifier>().Enqueue(fired with { Status = "firing", Reminder = 2 }, [run.Id]);
            await ChannelConsole.WaitUntilAsync(() => run.Receiver.Requests.Count >= 2, "Mattermost got the reminder");

            var requests = run.Receiver.Requests;
            requests.Should().HaveCount(2, "the resolve was not sent to a channel that does not want resolves");
            (await ChannelConsole.DeliveriesAsync(console, run.Id)).Should().HaveCount(2, "nor recorded as a delivery");
            var firing = Json(requests[0]);
            requests[0].Path.Should().Be("/hooks/xyz");
            firing.GetProperty("text").GetString().Should().Be($"[WARNING] firing: web-1 stopped answering [Open in the console]({Link})");
            var attachment = firing.GetProperty("attachments")[0];
            attachment.GetProperty("color").GetString().Should().Be("#f9a825");
            attachment.GetProperty("title_link").GetString().Should().Be(Link);
            attachment.GetProperty("fields").EnumerateArray().Should().Contain(f => f.GetProperty("title").GetString() == "Rule" && f.GetProperty("short").GetBoolean());
            Json(requests[1]).GetProperty("text").GetString().Should().StartWith("[WARNING] firing (reminder 2): web-1 stopped answering");
        }
        finally { await StopAsync(run); }
    }

    [Fact]
    public async Task Telegram_gets_sendMessage_on_the_bot_path_with_the_chat_id_and_safely_escaped_HTML()
    {
        const string token = "123456789:AAH-secret_token_0123456789abcdef";
        var run = await StartAsync(address => new { name = "tg", kind = "Telegram", botToken = token, chatId = "-1001234567890", endpoint = address });
        try
        {
            var console = run.Console;
            console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample() with { Summary = "<b>web</b> & \"api\" down" }, [run.Id]);
            await ChannelConsole.WaitUntilAsync(() => run.Receiver.Requests.Count >= 1, "Telegram got the alert");

            var request = run.Receiver.Requests[0];
            request.Path.Should().Be($"/bot{token}/sendMessage");
            var body = Json(request);
            body.GetProperty("chat_id").GetString().Should().Be("-1001234567890");
            body.GetProperty("parse_mode").GetString().Should().Be("HTML");
            var text = body.GetProperty("text").GetString()!;
            text.Should().StartWith("<b>[CRITICAL] firing: &lt;b&gt;web&lt;/b&gt; &amp; &quot;api&quot; down</b>", "the summary cannot inject markup");
            text.Should().Contain($"<a href=\"{Link}\">Open in the console</a>").And.Contain("Subject: i-0abc (web-1)");
        }
        finally { await StopAsync(run); }
    }

    [Fact]
    public async Task Ntfy_gets_a_JSON_publish_with_topic_title_priority_tags_click_and_its_bearer_token()
    {
        var run = await StartAsync(address => new { name = "ntfy", kind = "Ntfy", url = address + "/ntfy/noc-alerts", token = "tk_abcdefghijklmnopqrstuvwxyz012", priority = 4 });
        try
        {
            await ChannelConsole.LifecycleAsync(run.Console, run.Id, () => run.Receiver.Requests.Count);
            var requests = run.Receiver.Requests;
            requests.Should().AllSatisfy(r =>
            {
                r.Path.Should().Be("/ntfy/", "JSON is published to the server's root, the topic in the body");
                r.Headers["Authorization"].Should().Be("Bearer tk_abcdefghijklmnopqrstuvwxyz012");
            });
            var firing = Json(requests[0]);
            firing.GetProperty("topic").GetString().Should().Be("noc-alerts");
            firing.GetProperty("title").GetString().Should().Be("[CRITICAL] firing: web-1 stopped answering");
            firing.GetProperty("priority").GetInt32().Should().Be(4, "the channel's priority");
            firing.GetProperty("click").GetString().Should().Be(Link);
            firing.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Contain("rotating_light");
            var resolved = Json(requests[2]);
            resolved.GetProperty("message").GetString().Should().Be("Resolved after 12 min: web down on i-0abc (web-1)");
            resolved.GetProperty("priority").GetInt32().Should().Be(3, "a resolve does not wake anyone");
        }
        finally { await StopAsync(run); }
    }

    [Fact]
    public async Task Pushover_gets_a_form_with_token_user_title_url_and_priority_and_emergency_adds_retry_and_expire()
    {
        const string user = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", app = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
        var run = await StartAsync(address => new { name = "push", kind = "Pushover", userKey = user, appToken = app, priority = 2, endpoint = address });
        try
        {
            await ChannelConsole.LifecycleAsync(run.Console, run.Id, () => run.Receiver.Requests.Count);
            var requests = run.Receiver.Requests;
            requests.Should().AllSatisfy(r =>
            {
                r.Path.Should().Be("/1/messages.json");
                r.Headers["Content-Type"].Should().StartWith("application/x-www-form-urlencoded");
            });
            var firing = HttpUtility.ParseQueryString(requests[0].Text);
            (firing["token"], firing["user"], firing["priority"], firing["retry"], firing["expire"]).Should().Be((app, user, "2", "60", "3600"));
            firing["title"].Should().Be("[CRITICAL] firing: web-1 stopped answering");
            firing["url"].Should().Be(Link);
            var resolved = HttpUtility.ParseQueryString(requests[2].Text);
            resolved["message"].Should().Be("Resolved after 12 min: web down on i-0abc (web-1)");
            (resolved["priority"], resolved["retry"]).Should().Be(("0", null), "a resolve is no emergency");
        }
        finally { await StopAsync(run); }
    }
}
