using System.Net.Http.Json;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Alerts.Escalation;

/// <summary>A rule that repeats: reminders every N minutes while the alert fires unacknowledged, counted, stopped by an acknowledgement or a resolve.</summary>
public sealed class AlertRemindersTests(EscalationConsole console) : IClassFixture<EscalationConsole>
{
    [Fact]
    public async Task A_firing_alert_is_repeated_every_n_minutes_with_its_count_until_someone_acknowledges_it()
    {
        var channel = await console.ChannelAsync("ops");
        var test = await console.TestAsync("checkout");
        var rule = await console.CreateAsync("/api/alert-rules", new { name = "checkout down", condition = "testFailures", testId = test, consecutiveFailures = 1, channelIds = new[] { channel }, repeatEveryMinutes = 5 });
        var alert = await console.FireAsync(test, rule);

        await console.AdvanceAsync(TimeSpan.FromMinutes(4));
        console.SentFor(alert).Select(n => n.Notification.Status).Should().Equal(["firing"], "the first reminder is due 5 minutes after firing");
        await console.AdvanceAsync(TimeSpan.FromMinutes(1.5));
        await console.AdvanceAsync(TimeSpan.FromMinutes(2));
        await console.AdvanceAsync(TimeSpan.FromMinutes(3.5));

        var sent = console.SentFor(alert);
        sent.Select(n => n.Notification.Reminder).Should().Equal([0, 1, 2], "reminders at 5.5 and 11 minutes (each 5 minutes after the last)");
        sent.Skip(1).Should().AllSatisfy(n =>
        {
            n.Notification.Status.Should().Be("firing");
            n.ChannelIds.Should().Equal([channel]);
            n.Notification.Link.Should().Be($"/alerts/{alert}", "every message links to the alert's page");
        });
        sent[2].Notification.Summary.Should().Contain("reminder 2");
        (await console.AlertAsync(alert)).GetProperty("remindersSent").GetInt32().Should().Be(2);

        (await console.Console.Http.PostAsJsonAsync($"/api/alerts/{alert}/ack", new { comment = "on it" })).EnsureSuccessStatusCode();
        await console.AdvanceAsync(TimeSpan.FromMinutes(30));
        console.SentFor(alert).Select(n => n.Notification.Status).Should().Equal(["firing", "firing", "firing", "acknowledged"], "an acknowledgement stops the reminders");
        (await console.AlertAsync(alert)).GetProperty("nextReminderAt").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task A_resolve_stops_the_reminders()
    {
        var test = await console.TestAsync("search");
        var rule = await console.CreateAsync("/api/alert-rules", new { name = "search down", condition = "testFailures", testId = test, consecutiveFailures = 1, repeatEveryMinutes = 10 });
        var alert = await console.FireAsync(test, rule);
        await console.AdvanceAsync(TimeSpan.FromMinutes(10));
        console.SentFor(alert).Select(n => n.Notification.Reminder).Should().Equal([0, 1]);

        await console.SetFailingAsync(test, failing: false);
        await console.RunAsync(test);
        await console.EvaluateAsync();
        await console.AdvanceAsync(TimeSpan.FromMinutes(60));

        console.SentFor(alert).Select(n => (n.Notification.Status, n.Notification.Reminder)).Should().Equal([("firing", 0), ("firing", 1), ("resolved", 0)]);
    }

    [Fact]
    public async Task A_maintenance_window_on_the_rule_holds_the_reminders_until_it_ends()
    {
        var test = await console.TestAsync("billing");
        var rule = await console.CreateAsync("/api/alert-rules", new { name = "billing down", condition = "testFailures", testId = test, consecutiveFailures = 1, repeatEveryMinutes = 5 });
        var alert = await console.FireAsync(test, rule);
        var now = console.Clock.GetUtcNow().UtcDateTime;
        await console.CreateAsync("/api/maintenance-windows", new { name = "billing upgrade", startsAt = now.AddMinutes(1), endsAt = now.AddMinutes(20), ruleIds = new[] { rule } });

        await console.AdvanceAsync(TimeSpan.FromMinutes(6));
        await console.AdvanceAsync(TimeSpan.FromMinutes(6));
        console.SentFor(alert).Select(n => n.Notification.Reminder).Should().Equal([0], "the window is on from minute 1 to 20: no reminder");

        await console.AdvanceAsync(TimeSpan.FromMinutes(9));
        console.SentFor(alert).Select(n => n.Notification.Reminder).Should().Equal([0, 1], "the window ended at minute 20: the reminder that was due goes out");
    }
}
