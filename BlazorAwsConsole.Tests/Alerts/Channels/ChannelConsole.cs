using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Alerts.Channels;

/// <summary>What the channel tests share: adding channels through the API, raising notifications, waiting for deliveries.</summary>
internal static class ChannelConsole
{
    /// <summary>Quick retries so a test sees the whole retry schedule within seconds.</summary>
    public static readonly string[] FastRetries = ["Alerts:Delivery:FirstRetrySeconds=0.2", "Alerts:Delivery:MaxRetrySeconds=1", "Alerts:Delivery:TimeoutSeconds=5"];

    public static AlertNotification Sample(long alertId = 42, string severity = "critical", string status = "firing") =>
        new(alertId, "web down", severity, status, "i-0abc (web-1)", "web-1 stopped answering", new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero), "/instances/i-0abc");

    /// <summary>
    /// The alert's firing, acknowledged and resolved notifications, one at a time in that order (each once the receiver
    /// got the one before: deliveries go out in parallel); it fired at 09:18, so the resolve at 09:30 is "after 12 min".
    /// </summary>
    public static async Task LifecycleAsync(ConsoleHost console, int channelId, Func<int> received, long alertId = 42, string severity = "critical")
    {
        var fired = new DateTimeOffset(2026, 11, 25, 9, 18, 0, TimeSpan.Zero);
        var firing = Sample(alertId, severity) with { FiredAt = fired, At = fired };
        var events = new[]
        {
            firing,
            firing with { Status = "acknowledged", Summary = "web-1 stopped answering (acknowledged by alice: on it)", At = fired.AddMinutes(3) },
            firing with { Status = "resolved", At = fired.AddMinutes(12) },
        };
        for (var i = 0; i < events.Length; i++)
        {
            console.Get<IAlertNotifier>().Enqueue(events[i], [channelId]);
            var expected = i + 1;
            await WaitUntilAsync(() => received() >= expected, $"the receiver got the {events[i].Status} notification");
        }
    }

    public static async Task<JsonElement> AddAsync(ConsoleHost console, object request)
    {
        using var response = await console.Http.PostAsJsonAsync("/api/alert-channels", request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task<List<NotificationDelivery>> DeliveriesAsync(ConsoleHost console, int channelId)
    {
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.NotificationDeliveries.AsNoTracking().Where(d => d.ChannelId == channelId).OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>Polls until the condition holds (no fixed sleeps); the timeout is a generous "it finished" bound.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string because, int seconds = 30) =>
        Poll.UntilAsync(condition, TimeSpan.FromSeconds(seconds), () => $"timed out waiting until {because}", everyMs: 50);

    public static Task WaitUntilAsync(Func<bool> condition, string because, int seconds = 30) =>
        WaitUntilAsync(() => Task.FromResult(condition()), because, seconds);
}
