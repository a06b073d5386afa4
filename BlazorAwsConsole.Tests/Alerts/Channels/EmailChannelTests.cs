using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;
using MimeKit;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>E-mail over SMTP (MailKit) to a small SMTP server on loopback.</summary>
public sealed class EmailChannelTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task An_alert_arrives_as_mail_with_the_subject_fields_and_link_after_logging_in_with_the_password_from_Vault()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await using var smtp = SmtpSink.Start();
        var password = "smtp-pw-" + Guid.NewGuid().ToString("n");
        smtp.RequireAuth = ("alerts@example.com", password);
        await using var console = await VaultConsole.StartAsync(moto, vault, ChannelConsole.FastRetries);
        var channel = await ChannelConsole.AddAsync(console, new
        {
            name = "noc mail", kind = "Email", smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpTls = "None",
            smtpUser = "alerts@example.com", smtpPassword = password, from = "Console <console@example.com>", to = new[] { "noc@example.com", "oncall@example.com" },
        });
        channel.GetProperty("smtpPassword").GetString().Should().Be("set");
        var id = channel.GetProperty("id").GetInt32();

        console.Get<IAlertNotifier>().Enqueue(ChannelConsole.Sample(alertId: 7, severity: "critical"));
        await ChannelConsole.WaitUntilAsync(() => smtp.Messages.Count >= 1, "the mail arrived");

        var mail = smtp.Messages.Single();
        (mail.User, mail.Password).Should().Be(("alerts@example.com", password));
        mail.MailFrom.Should().Be("console@example.com");
        mail.RcptTo.Should().BeEquivalentTo("noc@example.com", "oncall@example.com");
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Data)));
        message.Subject.Should().Be("[CRITICAL] firing: web-1 stopped answering");
        message.From.Mailboxes.Single().Address.Should().Be("console@example.com");
        message.TextBody.Should().Contain("web down").And.Contain("i-0abc (web-1)").And.Contain("/instances/i-0abc").And.Contain("Alert:    7");
        await ChannelConsole.WaitUntilAsync(async () => (await ChannelConsole.DeliveriesAsync(console, id)).SingleOrDefault()?.Status == DeliveryStatus.Sent, "the delivery is recorded as sent");
    }

    [Fact]
    public async Task Send_test_without_Vault_works_for_SMTP_without_auth_and_shows_the_servers_refusal()
    {
        await using var smtp = SmtpSink.Start();
        await using var console = await ConsoleHost.StartAsync(moto, ChannelConsole.FastRetries);
        var id = (await ChannelConsole.AddAsync(console, new
        {
            name = "plain mail", kind = "Email", smtpHost = "127.0.0.1", smtpPort = smtp.Port, from = "console@example.com", to = new[] { "noc@example.com" },
        })).GetProperty("id").GetInt32();

        var ok = await (await console.Http.PostAsync($"/api/alert-channels/{id}/test", null)).JsonAsync();
        ok.GetProperty("sent").GetBoolean().Should().BeTrue(ok.ToString());
        smtp.Messages.Single().Data.Should().Contain("Subject: [INFO] firing: Test notification from BlazorAwsConsole to plain mail");

        // Changed without Vault: no secret is involved, so it saves.
        var changed = await console.Http.PutAsJsonAsync($"/api/alert-channels/{id}", new
        {
            name = "plain mail", smtpHost = "127.0.0.1", smtpPort = smtp.Port, from = "console@example.com", to = new[] { "noc@example.com", "second@example.com" },
        });
        changed.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        (await changed.JsonAsync()).GetProperty("smtpPassword").GetString().Should().Be("not set");

        // The server now insists on a login this channel does not have: the test says so.
        smtp.RequireAuth = ("someone", "something");
        var refused = await (await console.Http.PostAsync($"/api/alert-channels/{id}/test", null)).JsonAsync();
        refused.TryGetProperty("sent", out _).Should().BeTrue(refused.ToString());
        refused.GetProperty("sent").GetBoolean().Should().BeFalse();
        refused.GetProperty("error").GetString().Should().Contain("127.0.0.1:" + smtp.Port).And.Contain("Authentication required");
    }
}
