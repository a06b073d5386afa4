using System.Net.Http.Json;
using System.Text;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>
/// After adding, using, testing, changing and failing every kind of channel, its secrets (HMAC secret,
/// SMTP password, Slack webhook URL) are in Vault and nowhere else: not the SQLite file, a log line,
/// an API response or the settings page.
/// </summary>
public sealed class ChannelSecretsNeverLeakTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Channel_secrets_appear_nowhere_but_in_Vault()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        await using var smtp = SmtpSink.Start();
        var hmac = "hmac-" + Guid.NewGuid().ToString("n");
        var hmac2 = "hmac2-" + Guid.NewGuid().ToString("n");
        var password = "pw-" + Guid.NewGuid().ToString("n");
        var slackToken = "slacktoken" + Guid.NewGuid().ToString("n");
        smtp.RequireAuth = ("mailer", password);
        var logs = new CapturedLogs();
        await using var console = await VaultConsole.StartAsync(moto, vault, builder => builder.Logging.AddProvider(logs),
            [.. ChannelConsole.FastRetries, "Alerts:Delivery:MaxAttempts=2", "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Microsoft.EntityFrameworkCore=Trace"]);
        var seen = new StringBuilder();
        async Task<HttpResponseMessage> Record(Task<HttpResponseMessage> call)
        {
            var response = await call;
            seen.AppendLine(response.Headers.ToString()).AppendLine(await response.Content.ReadAsStringAsync());
            return response;
        }

        var webhook = (await (await Record(console.Http.PostAsJsonAsync("/api/alert-channels", new { name = "hook", kind = "Webhook", url = hook.Address, hmacSecret = hmac }))).JsonAsync()).GetProperty("id").GetInt32();
        var slack = (await (await Record(console.Http.PostAsJsonAsync("/api/alert-channels", new { name = "slack", kind = "Slack", url = $"{hook.Address}/services/{slackToken}" }))).JsonAsync()).GetProperty("id").GetInt32();
        var mail = (await (await Record(console.Http.PostAsJsonAsync("/api/alert-channels", new
        {
            name = "mail", kind = "Email", smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpUser = "mailer", smtpPassword = password, from = "c@example.com", to = new[] { "n@example.com" },
        }))).JsonAsync()).GetProperty("id").GetInt32();
        // A Slack channel pointing where nothing listens fails with a reason that must not carry its path.
        var deadSlack = (await (await Record(console.Http.PostAsJsonAsync("/api/alert-channels", new { name = "dead slack", kind = "Slack", url = $"{ConsoleHost.DeadEndpoint()}/services/{slackToken}x" }))).JsonAsync()).GetProperty("id").GetInt32();

        foreach (var id in new[] { webhook, slack, mail, deadSlack }) await Record(console.Http.PostAsync($"/api/alert-channels/{id}/test", null));
        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample());
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, deadSlack)).Any(d => d.AlertId == 42 && d.Status == DeliveryStatus.Failed)
            && (await ChannelConsole.DeliveriesAsync(console, mail)).Any(d => d.AlertId == 42 && d.Status == DeliveryStatus.Sent), "the alert went everywhere it could");
        await Record(console.Http.PutAsJsonAsync($"/api/alert-channels/{webhook}", new { name = "hook", url = hook.Address, hmacSecret = hmac2 }));
        await Record(console.Http.PostAsync($"/api/alert-channels/{webhook}/test", null));
        foreach (var path in new[] { "/api/alert-channels", $"/api/alert-channels/{webhook}", $"/api/alert-channels/{slack}", $"/api/alert-channels/{mail}",
                     $"/api/alert-channels/{deadSlack}/deliveries", $"/api/alert-channels/{webhook}/deliveries", "/settings/channels" })
            await Record(console.Http.GetAsync(path));

        // The run did what it should.
        smtp.Messages.Should().HaveCount(2).And.AllSatisfy(m => m.Password.Should().Be(password));
        vault.KvVersions($"blazor-aws-console/channels/{webhook}").Select(v => v["hmacSecret"]).Should().Equal(hmac, hmac2);
        hook.Requests.Should().Contain(r => r.Path == $"/services/{slackToken}");
        seen.ToString().Should().Contain("notification-channels-table").And.Contain("dead slack").And.Contain("set");
        logs.All.Should().Contain("Notification channel").And.Contain("failed");

        var database = string.Concat(new[] { "", "-wal", "-shm" }.Select(suffix => console.DatabasePath + suffix).Where(File.Exists)
            .Select(file => Encoding.Latin1.GetString(ReadShared(file))));
        database.Should().Contain("dead slack");
        foreach (var secret in new[] { hmac, hmac2, password, slackToken, vault.RootToken })
        {
            seen.ToString().Should().NotContain(secret, "no API response or page carries it");
            logs.All.Should().NotContain(secret, "no log line carries it");
            database.Should().NotContain(secret, "the database never holds it");
        }

        // Deleting a channel deletes its secrets from Vault.
        (await console.Http.DeleteAsync($"/api/alert-channels/{mail}")).EnsureSuccessStatusCode();
        vault.KvVersions($"blazor-aws-console/channels/{mail}").Should().BeEmpty();
    }

    [Fact]
    public async Task The_new_kinds_keys_tokens_and_webhook_URLs_appear_nowhere_but_in_Vault_even_when_sends_fail()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        // The services refuse (401) or are down: their reasons are recorded, and must not carry a secret.
        hook.Respond = _ => 401;
        var logs = new CapturedLogs();
        await using var console = await VaultConsole.StartAsync(moto, vault, builder => builder.Logging.AddProvider(logs),
            [.. ChannelConsole.FastRetries, "Alerts:Delivery:MaxAttempts=2", "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Microsoft.EntityFrameworkCore=Trace"]);
        string Hex() => Guid.NewGuid().ToString("n");
        var routingKey = Hex(); // 32 characters
        var apiKey = Guid.NewGuid().ToString();
        var botToken = $"123456789:{Hex()}";
        var ntfyToken = "tk_" + Hex();
        var (userKey, appToken) = (Hex()[..30], Hex()[..30]);
        var teamsPath = "/workflows/" + Hex();
        var dead = ConsoleHost.DeadEndpoint();
        var seen = new StringBuilder();
        async Task<int> Add(object request)
        {
            using var response = await console.Http.PostAsJsonAsync("/api/alert-channels", request);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, body);
            seen.AppendLine(body);
            return (await response.JsonAsync()).GetProperty("id").GetInt32();
        }

        var ids = new[]
        {
            await Add(new { name = "pd", kind = "PagerDuty", routingKey, endpoint = hook.Address }),
            await Add(new { name = "og", kind = "Opsgenie", apiKey, endpoint = hook.Address }),
            await Add(new { name = "tg", kind = "Telegram", botToken, chatId = "@noc_alerts", endpoint = hook.Address }),
            await Add(new { name = "tg dead", kind = "Telegram", botToken, chatId = "42", endpoint = dead }),
            await Add(new { name = "ntfy", kind = "Ntfy", url = hook.Address + "/alerts", token = ntfyToken }),
            await Add(new { name = "po", kind = "Pushover", userKey, appToken, endpoint = hook.Address }),
            await Add(new { name = "teams dead", kind = "Teams", url = dead + teamsPath }),
        };
        foreach (var id in ids) seen.AppendLine(await (await console.Http.PostAsync($"/api/alert-channels/{id}/test", null)).Content.ReadAsStringAsync());
        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample());
        await ChannelConsole.WaitUntilAsync(async () =>
        {
            foreach (var id in ids)
                if (!(await ChannelConsole.DeliveriesAsync(console, id)).Any(d => d.AlertId == 42 && d.Status == DeliveryStatus.Failed)) return false;
            return true;
        }, "every alert delivery failed");
        foreach (var id in ids) seen.AppendLine(await console.Http.GetStringAsync($"/api/alert-channels/{id}/deliveries"));
        seen.AppendLine(await console.Http.GetStringAsync("/api/alert-channels")).AppendLine(await console.Http.GetStringAsync("/settings/channels"));

        // The sends happened, with the secrets where the services expect them.
        hook.Requests.Should().Contain(r => r.Path == $"/bot{botToken}/sendMessage");
        seen.ToString().Should().Contain("HTTP 401").And.Contain("not retried");
        vault.KvVersions($"blazor-aws-console/channels/{ids[5]}").Single()["appToken"].Should().Be(appToken);

        var database = string.Concat(new[] { "", "-wal", "-shm" }.Select(suffix => console.DatabasePath + suffix).Where(File.Exists)
            .Select(file => Encoding.Latin1.GetString(ReadShared(file))));
        foreach (var secret in new[] { routingKey, apiKey, botToken, botToken.Split(':')[1], ntfyToken, userKey, appToken, teamsPath })
        {
            seen.ToString().Should().NotContain(secret, "no API response, delivery reason or page carries it");
            logs.All.Should().NotContain(secret, "no log line carries it");
            database.Should().NotContain(secret, "the database never holds it");
        }
    }

    private static byte[] ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
