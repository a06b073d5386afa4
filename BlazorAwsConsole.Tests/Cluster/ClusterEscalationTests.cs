using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Two nodes on one PostgreSQL database, both looking for due reminders and escalation steps at the same moments (their
/// evaluation jobs, and besides both nodes' follow-up passes run at once by the test): each message is claimed on the
/// alert row, so each goes out once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterEscalationTests(MotoFixture moto, PostgresServer postgres) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task With_two_nodes_each_reminder_and_each_escalation_step_is_sent_once()
    {
        await using var shared = await postgres.CreateAsync();
        var clock = new TestClock();
        var (notifierA, notifierB) = (new RecordingNotifier(), new RecordingNotifier());
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=escalation-{Guid.NewGuid():n}", "Alerts:EvaluateSeconds=1", "Probes:RunOnSchedule=false"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, On(notifierA, clock), [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, On(notifierB, clock), [.. cluster, "Cluster:NodeName=node-b"]);

        var ops = await CreatedIdAsync(await nodeA.Http.PostAsJsonAsync("/api/alert-channels", new { name = "ops", kind = "Webhook", url = "http://127.0.0.1:9/ops" }));
        var lead = await CreatedIdAsync(await nodeA.Http.PostAsJsonAsync("/api/alert-channels", new { name = "lead", kind = "Webhook", url = "http://127.0.0.1:9/lead" }));
        var test = await CreatedIdAsync(await nodeA.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "orders", type = "http", target = ConsoleHost.DeadEndpoint() + "/health", enabled = false }));
        await CreatedIdAsync(await nodeB.Http.PostAsJsonAsync("/api/alert-rules", new
        {
            name = "orders down", condition = "testFailures", testId = test, consecutiveFailures = 1, channelIds = new[] { ops }, repeatEveryMinutes = 5,
            escalation = new[] { new { afterMinutes = 7, channelIds = new[] { lead } } },
        }));
        (await nodeA.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();
        List<(AlertNotification Notification, IReadOnlyList<int>? ChannelIds)> Sent() => [.. notifierA.Addressed, .. notifierB.Addressed];
        await Poll.UntilAsync(() => Sent().Any(n => n.Notification.Status == "firing"), TimeSpan.FromSeconds(60), () => "the alert did not fire");

        // 5, 7 (the step), 10 and 15 minutes on: both nodes race for every message at once, several times.
        foreach (var minutes in new[] { 5, 2, 3, 5 })
        {
            clock.Advance(TimeSpan.FromMinutes(minutes));
            for (var round = 0; round < 3; round++)
                await Task.WhenAll(nodeA.Get<AlertFollowUps>().RunAsync(CancellationToken.None), nodeB.Get<AlertFollowUps>().RunAsync(CancellationToken.None));
        }
        // The nodes' own evaluation jobs a few more times.
        var evaluated = nodeA.Get<AlertEngine>().Evaluations + nodeB.Get<AlertEngine>().Evaluations;
        await Poll.UntilAsync(() => nodeA.Get<AlertEngine>().Evaluations + nodeB.Get<AlertEngine>().Evaluations >= evaluated + 3, TimeSpan.FromSeconds(60), () => "no evaluations");

        var sent = Sent();
        sent.Where(n => n.Notification.Reminder > 0).Select(n => n.Notification.Reminder).Order().Should().Equal([1, 2, 3], "one reminder at 5, 10 and 15 minutes each");
        sent.Where(n => n.ChannelIds?.SequenceEqual([lead]) == true).Should().ContainSingle("the step at 7 minutes went out once")
            .Which.Notification.Summary.Should().Contain("escalated");
        sent.Single(n => n.Notification.Reminder == 1).ChannelIds.Should().Equal([ops], "the first reminder came before the step");
        sent.Single(n => n.Notification.Reminder == 3).ChannelIds.Should().BeEquivalentTo([ops, lead], "after the step, reminders also go where the alert escalated to");
    }

    private static Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> On(RecordingNotifier notifier, TimeProvider clock) => builder =>
    {
        builder.Services.AddSingleton<IAlertNotifier>(notifier);
        builder.Services.AddSingleton<TimeProvider>(clock);
    };

    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }
}
