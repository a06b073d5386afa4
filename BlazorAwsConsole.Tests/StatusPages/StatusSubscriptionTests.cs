using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.StatusPages.Subscriptions;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace BlazorAwsConsole.Tests.StatusPages;

/// <summary>
/// Subscriptions to a status page's incidents on a real console: e-mail through the console's SMTP sender to a loopback
/// SMTP server (double opt-in, unsubscribe), webhooks to a loopback Kestrel, and the link-local guard.
/// </summary>
public sealed class StatusSubscriptionTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string PublicUrl = "https://status.example.test";

    private async Task<(ConsoleHost Console, CapturedLogs Logs, int PageId)> StartAsync(SmtpSink? smtp, string slug)
    {
        var logs = new CapturedLogs();
        var console = await ConsoleHost.StartAsync(moto, builder => builder.Logging.AddProvider(logs),
            "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000", "StatusPages:SubscribesPerMinute=1000000",
            $"Console:PublicUrl={PublicUrl}", "StatusPages:SubscriptionEmailChannel=status mail",
            "Alerts:Delivery:FirstRetrySeconds=1", "Logging:LogLevel:Default=Information");
        if (smtp is not null)
        {
            var channel = await console.Http.PostAsJsonAsync("/api/alert-channels", new
            {
                name = "status mail", kind = "Email", smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpTls = "None",
                from = "Status <status@example.com>", to = new[] { "noc@example.com" },
            });
            channel.StatusCode.Should().Be(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync());
        }
        var page = await console.Http.PostAsJsonAsync("/api/status-pages", new
        {
            slug, title = "Shop", published = true, components = new[] { new { name = "Checkout", instanceTag = "app=shop" } },
        });
        page.StatusCode.Should().Be(HttpStatusCode.Created, await page.Content.ReadAsStringAsync());
        return (console, logs, (await page.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32());
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, params (string, string)[] fields) =>
        client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))));

    private static async Task<int> OpenIncidentAsync(ConsoleHost console, int pageId, string title)
    {
        var response = await console.Http.PostAsJsonAsync($"/api/status-pages/{pageId}/incidents",
            new { title, impact = "major", status = "investigating", message = "We are looking into **slow** checkouts." });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private static async Task PostUpdateAsync(ConsoleHost console, int pageId, int incidentId, string status, string message) =>
        (await console.Http.PostAsJsonAsync($"/api/status-pages/{pageId}/incidents/{incidentId}/updates", new { status, message })).EnsureSuccessStatusCode();

    private static MimeMessage Load(SmtpSink.Message message) => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message.Data)));

    /// <summary>The link's path and query on the console under test (the mails name the public URL).</summary>
    private static string LinkIn(string text, string kind)
    {
        var match = Regex.Match(text, Regex.Escape(PublicUrl) + @"(/status/[a-z0-9-]+/subscriptions/" + kind + @"\?token=[A-Za-z0-9_-]{43})");
        match.Success.Should().BeTrue($"the text carries a {kind} link: {text}");
        return match.Groups[1].Value;
    }

    private static async Task<List<NotificationDelivery>> DeliveriesAsync(ConsoleHost console)
    {
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.NotificationDeliveries.AsNoTracking().Where(d => d.SubscriptionId != null).OrderBy(d => d.Id).ToListAsync();
    }

    [Fact]
    public async Task Email_is_double_opt_in_every_incident_mail_can_unsubscribe_and_nobody_learns_who_is_subscribed()
    {
        await using var smtp = SmtpSink.Start();
        var (console, logs, pageId) = await StartAsync(smtp, "shop");
        await using var _ = console;

        var first = await PostFormAsync(console.Anonymous, "/status/shop/subscribe", ("email", "Reader@Example.com"));
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await first.Content.ReadAsStringAsync();
        answer.Should().Contain("confirmation link is on its way");
        // The same answer for an address that is subscribed already and for one that is not.
        (await (await PostFormAsync(console.Anonymous, "/status/shop/subscribe", ("email", "reader@example.com"))).Content.ReadAsStringAsync()).Should().Be(answer);
        (await (await PostFormAsync(console.Anonymous, "/status/shop/subscribe", ("email", "other@example.com"))).Content.ReadAsStringAsync()).Should().Be(answer);

        await Poll.UntilAsync(() => smtp.Messages.Count >= 2, TimeSpan.FromSeconds(15), () => $"{smtp.Messages.Count} confirmation mails arrived");
        smtp.Messages.Count(m => m.RcptTo.Contains("reader@example.com")).Should().Be(1, "a second subscribe within minutes sends no second mail");
        var confirmation = Load(smtp.Messages.Single(m => m.RcptTo.Contains("reader@example.com")));
        confirmation.Subject.Should().Be("Confirm your subscription to Shop status");
        var confirmLink = LinkIn(confirmation.TextBody ?? "", "confirm");

        // Nothing is sent before the confirmation.
        var early = await OpenIncidentAsync(console, pageId, "Checkout is slow");
        (await DeliveriesAsync(console)).Should().HaveCount(2, "only the two confirmation mails were written");

        // Opening the link (as a mail scanner would) changes nothing; the button confirms.
        var page = await console.Anonymous.GetAsync(confirmLink);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain("<button type=\"submit\">Confirm</button>");
        var token = confirmLink[(confirmLink.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var confirmed = await PostFormAsync(console.Anonymous, confirmLink[..confirmLink.IndexOf('?')], ("token", token));
        (await confirmed.Content.ReadAsStringAsync()).Should().Contain("Subscription confirmed");
        // A used token confirms nothing more.
        (await PostFormAsync(console.Anonymous, confirmLink[..confirmLink.IndexOf('?')], ("token", token))).StatusCode.Should().Be(HttpStatusCode.NotFound);

        await PostUpdateAsync(console, pageId, early, "identified", "A slow **database** query.");
        await Poll.UntilAsync(() => smtp.Messages.Count >= 3, TimeSpan.FromSeconds(15), () => $"{smtp.Messages.Count} mails arrived");
        var update = Load(smtp.Messages[^1]);
        smtp.Messages[^1].RcptTo.Should().Equal("reader@example.com");
        update.Subject.Should().Be("[Shop] Checkout is slow: identified");
        update.TextBody.Should().Contain("A slow **database** query.");
        var unsubscribe = LinkIn(update.TextBody, "unsubscribe");
        update.Headers["List-Unsubscribe"].Should().Be($"<{PublicUrl}{unsubscribe}>");
        update.Headers["List-Unsubscribe-Post"].Should().Be("List-Unsubscribe=One-Click");

        var subscribers = await console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{pageId}/subscribers");
        subscribers.GetProperty("count").GetInt32().Should().Be(2);
        subscribers.GetProperty("confirmed").GetInt32().Should().Be(1);

        // A mail client's one-click unsubscribe (RFC 8058): a POST to the link.
        var gone = await PostFormAsync(console.Anonymous, unsubscribe, ("List-Unsubscribe", "One-Click"));
        gone.StatusCode.Should().Be(HttpStatusCode.OK);
        (await gone.Content.ReadAsStringAsync()).Should().Contain("no more incident notices of Shop");
        await PostUpdateAsync(console, pageId, early, "resolved", "Fixed.");
        (await DeliveriesAsync(console)).Should().ContainSingle("the unsubscribed reader's rows went with it; other@example.com never confirmed, so only its confirmation is left");
        smtp.Messages.Count.Should().Be(3);

        // Operators remove the one left; the address was never logged.
        var other = (await console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{pageId}/subscribers")).GetProperty("items")[0].GetProperty("id").GetInt64();
        (await console.Http.DeleteAsync($"/api/status-pages/{pageId}/subscribers/{other}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{pageId}/subscribers")).GetProperty("count").GetInt32().Should().Be(0);
        logs.All.Should().NotContainEquivalentOf("reader@example.com").And.NotContainEquivalentOf("other@example.com").And.NotContain(token);
    }

    [Fact]
    public async Task Bad_input_is_refused_on_its_field_and_an_unconfirmed_subscription_lapses()
    {
        await using var smtp = SmtpSink.Start();
        var (console, _, pageId) = await StartAsync(smtp, "shop");
        await using var __ = console;

        var refused = await PostFormAsync(console.Anonymous, "/status/shop/subscribe", ("email", "not an address"));
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var html = await refused.Content.ReadAsStringAsync();
        html.Should().Contain("data-testid=\"email-error\"").And.Contain("aria-invalid=\"true\"").And.Contain("value=\"not an address\"");
        var json = await console.Anonymous.PostAsJsonAsync("/status/shop/api/subscriptions", new { email = "nope" });
        json.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("email")[0].GetString().Should().Contain("e-mail address");
        (await PostFormAsync(console.Anonymous, "/status/nowhere/subscribe", ("email", "a@example.com"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await console.Anonymous.GetAsync("/status/shop/subscriptions/confirm?token=short")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await console.Anonymous.PostAsJsonAsync("/status/shop/api/subscriptions", new { email = "late@example.com" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await Poll.UntilAsync(() => smtp.Messages.Count >= 1, TimeSpan.FromSeconds(15), () => "the confirmation mail arrived");
        var confirmLink = LinkIn(Load(smtp.Messages[0]).TextBody ?? "", "confirm");
        await using (var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            // Its time ran out (the clock is not faked here: the expiry is moved instead).
            await db.StatusSubscriptions.ExecuteUpdateAsync(set => set.SetProperty(s => s.ConfirmExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }
        var token = confirmLink[(confirmLink.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var late = await PostFormAsync(console.Anonymous, "/status/shop/subscriptions/confirm", ("token", token));
        late.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await late.Content.ReadAsStringAsync()).Should().Contain("expired");
        (await console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{pageId}/subscribers")).GetProperty("count").GetInt32().Should().Be(0, "the lapsed subscription is removed");
    }

    [Fact]
    public async Task A_webhook_gets_each_incident_update_and_a_link_local_webhook_is_refused_on_save_and_at_send()
    {
        await using var hook = await HookReceiver.StartAsync();
        var (console, _, pageId) = await StartAsync(null, "shop");
        await using var _ = console;

        var metadata = await PostFormAsync(console.Anonymous, "/status/shop/subscribe/webhook", ("url", "http://169.254.169.254/latest/meta-data/"));
        metadata.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await metadata.Content.ReadAsStringAsync()).Should().Contain("link-local").And.Contain("data-testid=\"url-error\"");
        var api = await console.Anonymous.PostAsJsonAsync("/status/shop/api/subscriptions", new { url = "http://169.254.169.254/hook" });
        (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("url")[0].GetString().Should().Contain("link-local");

        var saved = await PostFormAsync(console.Anonymous, "/status/shop/subscribe/webhook", ("url", hook.Address + "/status-hook"));
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        // A subscription whose address became link-local after it was saved (as a DNS name can): refused when sending.
        await using (var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            db.StatusSubscriptions.Add(new StatusSubscription
            {
                PageId = pageId, Kind = SubscriptionKind.Webhook, Address = "http://169.254.169.254/hook", CreatedAt = DateTime.UtcNow, ConfirmedAt = DateTime.UtcNow,
                UnsubscribeTokenHash = SubscriptionTokens.Hash("x"), UnsubscribeTokenProtected = console.Get<SubscriptionTokens>().Protect(SubscriptionTokens.NewToken()),
            });
            await db.SaveChangesAsync();
        }

        var incident = await OpenIncidentAsync(console, pageId, "Checkout is slow");
        await PostUpdateAsync(console, pageId, incident, "resolved", "Fixed.");
        await Poll.UntilAsync(() => hook.Requests.Count >= 2, TimeSpan.FromSeconds(15), () => $"{hook.Requests.Count} posts arrived");
        var bodies = hook.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        bodies.Select(b => b.GetProperty("event").GetString()).Should().BeEquivalentTo("incident.opened", "incident.resolved");
        bodies.Should().OnlyContain(b => b.GetProperty("incident").GetProperty("title").GetString() == "Checkout is slow");
        bodies.Should().OnlyContain(b => b.GetProperty("page").GetProperty("url").GetString() == $"{PublicUrl}/status/shop");
        var unsubscribe = bodies[1].GetProperty("unsubscribeUrl").GetString()!;
        unsubscribe.Should().StartWith($"{PublicUrl}/status/shop/subscriptions/unsubscribe?token=");

        // Refused at connect time by the guard (retried like any unreachable endpoint, never sent).
        await Poll.UntilAsync(async () => (await DeliveriesAsync(console)).Count(d => d.LastError?.Contains("link-local") == true) == 2, TimeSpan.FromSeconds(15),
            () => "both posts to the link-local address were refused");
        hook.Requests.Should().HaveCount(2);

        (await PostFormAsync(console.Anonymous, unsubscribe[PublicUrl.Length..], ("List-Unsubscribe", "One-Click"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{pageId}/subscribers")).GetProperty("count").GetInt32().Should().Be(1, "the loopback hook left");
    }
}
