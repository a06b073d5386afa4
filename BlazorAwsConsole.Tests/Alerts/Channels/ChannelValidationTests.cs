using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>Bad channel settings answer 400 problem details naming the field; secrets without Vault are refused, not stored.</summary>
public sealed class ChannelValidationTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static async Task<JsonElement> ErrorsOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return (await response.JsonAsync()).GetProperty("errors");
    }

    private static string Message(JsonElement errors, string field) => errors.GetProperty(field)[0].GetString()!;

    [Fact]
    public async Task Each_bad_field_is_named_and_secrets_without_Vault_are_refused()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var http = console.Http;

        var noVault = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "signed", kind = "Webhook", url = "https://hooks.example.com/x", hmacSecret = "0123456789abcdef0123" }));
        Message(noVault, "hmacSecret").Should().Contain("store secrets in Vault: configure Vault first");
        var slack = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "slack", kind = "Slack", url = "https://hooks.slack.com/services/T/B/x" }));
        Message(slack, "url").Should().Contain("configure Vault first");
        var smtpAuth = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "mail", kind = "Email", smtpHost = "smtp.example.com", smtpUser = "u", smtpPassword = "p", from = "a@example.com", to = new[] { "b@example.com" } }));
        Message(smtpAuth, "smtpPassword").Should().Contain("configure Vault first");

        var url = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "ftp", kind = "Webhook", url = "ftp://files.example.com/in" }));
        Message(url, "url").Should().Contain("http");
        var relative = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "rel", kind = "Webhook", url = "/hooks" }));
        relative.TryGetProperty("url", out _).Should().BeTrue();
        var shortSecret = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "short", kind = "Webhook", url = "https://h.example.com", hmacSecret = "short" }));
        Message(shortSecret, "hmacSecret").Should().Contain("16");
        var kind = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "pager", kind = "Pager" }));
        Message(kind, "kind").Should().Contain("Webhook, Slack, Email, PagerDuty, Opsgenie");
        var name = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "", kind = "Webhook", url = "https://h.example.com" }));
        name.TryGetProperty("name", out _).Should().BeTrue();

        var mail = await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new
        {
            name = "mail", kind = "Email", smtpHost = "smtp example", smtpPort = 70000, smtpTls = "sometimes", from = "not an address", to = new[] { "ok@example.com", "nope" },
        }));
        Message(mail, "smtpHost").Should().Contain("host");
        Message(mail, "smtpPort").Should().Contain("1–65535");
        Message(mail, "smtpTls").Should().Contain("StartTls");
        Message(mail, "from").Should().Contain("e-mail address");
        Message(mail, "to[1]").Should().Contain("'nope'");
        mail.TryGetProperty("to[0]", out _).Should().BeFalse();
        Message(await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "none", kind = "Email", smtpHost = "h", from = "a@example.com", to = Array.Empty<string>() })), "to")
            .Should().Contain("at least one");

        (await http.PostAsync("/api/alert-channels", new StringContent("", System.Text.Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.PostAsync("/api/alert-channels", new StringContent("{\"smtpPort\": \"x\"}", System.Text.Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // Nothing was stored by any of these.
        await using (var db = await console.Get<IDbContextFactory<BlazorAwsConsole.Infrastructure.ConsoleDbContext>>().CreateDbContextAsync())
            (await db.NotificationChannels.CountAsync()).Should().Be(0);

        // Without secrets the same kinds work.
        var plain = await ChannelConsole.AddAsync(console, new { name = "plain", kind = "Webhook", url = "https://hooks.example.com/x" });
        var id = plain.GetProperty("id").GetInt32();
        plain.GetProperty("hmacSecret").GetString().Should().Be("not set");
        Message(await ErrorsOf(await http.PostAsJsonAsync("/api/alert-channels", new { name = "plain", kind = "Webhook", url = "https://hooks.example.com/y" })), "name").Should().Contain("exists");
        Message(await ErrorsOf(await http.PutAsJsonAsync($"/api/alert-channels/{id}", new { name = "plain", kind = "Email" })), "kind").Should().Contain("cannot change");

        var renamed = await http.PutAsJsonAsync($"/api/alert-channels/{id}", new { name = "renamed", url = "https://hooks.example.com/z", enabled = false });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        var shown = await http.GetFromJsonAsync<JsonElement>($"/api/alert-channels/{id}");
        (shown.GetProperty("name").GetString(), shown.GetProperty("url").GetString(), shown.GetProperty("enabled").GetBoolean()).Should().Be(("renamed", "https://hooks.example.com/z", false));

        (await http.PutAsJsonAsync("/api/alert-channels/999999", new { name = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("/api/alert-channels/999999/deliveries")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync($"/api/alert-channels/{id}/deliveries?pageSize=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.DeleteAsync($"/api/alert-channels/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await http.GetAsync($"/api/alert-channels/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Changes are in the access log; a viewer may read but not change.
        var log = await http.GetStringAsync("/api/access/log?action=alert-channels");
        log.Should().Contain("alert-channels.add").And.Contain("alert-channels.update").And.Contain("alert-channels.delete");
        var viewer = await console.ClientAsync("Viewer");
        (await viewer.GetAsync("/api/alert-channels")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsJsonAsync("/api/alert-channels", new { name = "v", kind = "Webhook", url = "https://h.example.com" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}

/// <summary>The new kinds' fields: each bad one is a 400 naming it, and nothing is stored.</summary>
public sealed class OnCallChannelValidationTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Each_kind_names_its_bad_field_and_stores_nothing()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var console = await BlazorAwsConsole.Tests.Secrets.VaultConsole.StartAsync(moto, vault);

        async Task<string> Refused(object request, string field)
        {
            using var response = await console.Http.PostAsJsonAsync("/api/alert-channels", request);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            return (await response.JsonAsync()).GetProperty("errors").GetProperty(field)[0].GetString()!;
        }

        (await Refused(new { name = "pd", kind = "PagerDuty" }, "routingKey")).Should().Contain("required");
        (await Refused(new { name = "pd", kind = "PagerDuty", routingKey = "short" }, "routingKey")).Should().Contain("32 letters and digits");
        (await Refused(new { name = "pd", kind = "PagerDuty", routingKey = "R0123456789abcdef0123456789abcdE", endpoint = "ftp://x" }, "endpoint")).Should().Contain("http");
        (await Refused(new { name = "pd", kind = "PagerDuty", routingKey = "R0123456789abcdef0123456789abcdE", endpoint = "http://169.254.169.254/v2/enqueue" }, "endpoint"))
            .Should().Contain("link-local");
        (await Refused(new { name = "og", kind = "Opsgenie", apiKey = "nope" }, "apiKey")).Should().Contain("GUID");
        (await Refused(new { name = "og", kind = "Opsgenie", apiKey = "01234567-89ab-cdef-0123-456789abcdef", region = "apac" }, "region")).Should().Contain("us or eu");
        (await Refused(new { name = "teams", kind = "Teams", url = "not a url" }, "url")).Should().Contain("http");
        (await Refused(new { name = "discord", kind = "Discord" }, "url")).Should().Contain("required");
        (await Refused(new { name = "gchat", kind = "GoogleChat", url = "http://169.254.169.254/x" }, "url")).Should().Contain("link-local");
        (await Refused(new { name = "mm", kind = "Mattermost", url = "mailto:x@example.com" }, "url")).Should().Contain("http");
        (await Refused(new { name = "tg", kind = "Telegram", botToken = "not-a-token", chatId = "1" }, "botToken")).Should().Contain("BotFather");
        (await Refused(new { name = "tg", kind = "Telegram", botToken = "123456789:AAH-secret_token_0123456789abcdef", chatId = "my chat" }, "chatId")).Should().Contain("@channelusername");
        (await Refused(new { name = "ntfy", kind = "Ntfy", url = "https://ntfy.sh/" }, "url")).Should().Contain("topic");
        (await Refused(new { name = "ntfy", kind = "Ntfy", url = "https://ntfy.sh/alerts", priority = 7 }, "priority")).Should().Contain("1 (min) to 5");
        (await Refused(new { name = "ntfy", kind = "Ntfy", url = "https://ntfy.sh/alerts", token = "has space" }, "token")).Should().Contain("without spaces");
        (await Refused(new { name = "po", kind = "Pushover", userKey = "u", appToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi" }, "userKey")).Should().Contain("30 letters");
        (await Refused(new { name = "po", kind = "Pushover", userKey = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", appToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi", priority = 3 }, "priority")).Should().Contain("-2");
        (await Refused(new { name = "wh", kind = "Webhook", url = "https://h.example.com", endpoint = "https://proxy.example.com" }, "endpoint")).Should().Contain("url");

        await using var db = await console.Get<IDbContextFactory<BlazorAwsConsole.Infrastructure.ConsoleDbContext>>().CreateDbContextAsync();
        (await db.NotificationChannels.CountAsync()).Should().Be(0, "a refused channel is not stored");
    }

    [Fact]
    public async Task Without_Vault_a_kind_that_needs_a_secret_is_refused_naming_it()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        using var response = await console.Http.PostAsJsonAsync("/api/alert-channels", new { name = "pd", kind = "PagerDuty", routingKey = "R0123456789abcdef0123456789abcdE" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("errors").GetProperty("routingKey")[0].GetString().Should().Contain("configure Vault first");
        // ntfy without a token needs no Vault.
        (await ChannelConsole.AddAsync(console, new { name = "ntfy", kind = "Ntfy", url = "https://ntfy.sh/alerts" })).GetProperty("token").GetString().Should().Be("not set");
    }
}
