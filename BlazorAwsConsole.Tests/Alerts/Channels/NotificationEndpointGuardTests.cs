using System.Net;
using System.Net.Http.Json;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>
/// Notification endpoints are fetched on a user's behalf like test targets, so the link-local guard
/// (the instance metadata service) applies to them too: on save, and on the address each send connects to.
/// </summary>
public sealed class NotificationEndpointGuardTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Webhook_and_SMTP_endpoints_on_link_local_addresses_are_refused_on_save_naming_the_field()
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        async Task<string> RefusalAsync(object request, string field)
        {
            using var response = await console.Http.PostAsJsonAsync("/api/alert-channels", request);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
            return (await response.JsonAsync()).GetProperty("errors").GetProperty(field)[0].GetString()!;
        }

        (await RefusalAsync(new { name = "imds", kind = "Webhook", url = "http://169.254.169.254/latest/meta-data/iam/security-credentials/" }, "url"))
            .Should().Contain("169.254.169.254 is link-local (the instance metadata service)");
        (await RefusalAsync(new { name = "imds6", kind = "Webhook", url = "http://[fd00:ec2::254]/latest/" }, "url"))
            .Should().Contain("instance metadata service");
        (await RefusalAsync(new { name = "mail", kind = "Email", smtpHost = "169.254.1.1", from = "a@example.com", to = new[] { "b@example.com" } }, "smtpHost"))
            .Should().Contain("169.254.1.1 is link-local");

        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.NotificationChannels.CountAsync()).Should().Be(0, "a refused channel is not stored");
    }

    [Fact]
    public async Task A_link_local_endpoint_stored_by_an_earlier_version_is_refused_when_sent_to_without_connecting()
    {
        await using var console = await ConsoleHost.StartAsync(moto, ChannelConsole.FastRetries);
        int id;
        await using (var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            // Saved before endpoints were guarded: the save-time check never saw it.
            var channel = new NotificationChannel { Name = "old-imds", Kind = ChannelKind.Webhook, Url = "http://169.254.169.254/latest/meta-data/", TargetHint = "old", CreatedAt = DateTime.UtcNow };
            db.NotificationChannels.Add(channel);
            await db.SaveChangesAsync();
            id = channel.Id;
        }

        using var test = await console.Http.PostAsync($"/api/alert-channels/{id}/test", null);
        test.StatusCode.Should().Be(HttpStatusCode.OK, await test.Content.ReadAsStringAsync());
        var result = await test.JsonAsync();
        result.GetProperty("sent").GetBoolean().Should().BeFalse();
        result.GetProperty("error").GetString().Should().Contain("169.254.169.254 is link-local (the instance metadata service)",
            "the guard refuses the address before any connection is tried (a connection attempt would fail with a network error instead)");
    }

    [Fact]
    public async Task An_allow_listed_link_local_endpoint_may_be_saved()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Probes:LinkLocalAllowList:0=169.254.10.0/24");
        var added = await ChannelConsole.AddAsync(console, new { name = "allowed", kind = "Webhook", url = "http://169.254.10.5/hook" });
        added.GetProperty("url").GetString().Should().Be("http://169.254.10.5/hook");
    }
}
