using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Alerts.Escalation;

/// <summary>
/// A rule's escalation steps: the rule's channels at once, each step's channels when nobody acknowledged within its
/// minutes; an acknowledgement stops what is left; a resolve also reaches every channel escalated to.
/// </summary>
public sealed class AlertEscalationTests(EscalationConsole console) : IClassFixture<EscalationConsole>
{
    [Fact]
    public async Task Unacknowledged_the_alert_goes_to_each_steps_channels_in_turn_and_its_resolve_to_all_of_them()
    {
        var (ops, lead, pager, manager) = (await console.ChannelAsync("ops"), await console.ChannelAsync("lead"), await console.ChannelAsync("pager"), await console.ChannelAsync("manager"));
        var test = await console.TestAsync("payments");
        var rule = await console.CreateAsync("/api/alert-rules", new
        {
            name = "payments down", condition = "testFailures", testId = test, consecutiveFailures = 1, channelIds = new[] { ops },
            escalation = new[] { new { afterMinutes = 10, channelIds = new[] { lead } }, new { afterMinutes = 30, channelIds = new[] { pager, manager } } },
        });
        var alert = await console.FireAsync(test, rule);
        console.SentFor(alert).Single().ChannelIds.Should().Equal([ops], "at once: the rule's channels");

        await console.AdvanceAsync(TimeSpan.FromMinutes(9));
        console.SentFor(alert).Should().HaveCount(1);
        await console.AdvanceAsync(TimeSpan.FromMinutes(1));
        await console.AdvanceAsync(TimeSpan.FromMinutes(19));
        console.SentFor(alert).Select(n => n.ChannelIds).Should().BeEquivalentTo([new[] { ops }, new[] { lead }], o => o.WithStrictOrdering());
        console.SentFor(alert)[1].Notification.Summary.Should().Contain("escalated: not acknowledged after 10 min");
        await console.AdvanceAsync(TimeSpan.FromMinutes(1));
        console.SentFor(alert).Last().ChannelIds.Should().Equal([pager, manager]);

        var plan = (await console.AlertAsync(alert)).GetProperty("escalation").EnumerateArray().ToList();
        plan.Select(s => s.GetProperty("state").GetString()).Should().Equal(["sent", "sent"]);

        await console.SetFailingAsync(test, failing: false);
        await console.RunAsync(test);
        await console.EvaluateAsync();
        var resolved = console.SentFor(alert).Last();
        resolved.Notification.Status.Should().Be("resolved");
        resolved.ChannelIds.Should().BeEquivalentTo([ops, lead, pager, manager], "whoever was paged hears that it resolved");
        console.SentFor(alert).Should().HaveCount(4);
    }

    [Fact]
    public async Task An_acknowledgement_stops_the_escalation_and_the_page_says_so()
    {
        var (ops, lead) = (await console.ChannelAsync("ops"), await console.ChannelAsync("lead"));
        var test = await console.TestAsync("login");
        var rule = await console.CreateAsync("/api/alert-rules", new
        {
            name = "login down", condition = "testFailures", testId = test, consecutiveFailures = 1, channelIds = new[] { ops },
            escalation = new[] { new { afterMinutes = 10, channelIds = new[] { lead } } },
        });
        var alert = await console.FireAsync(test, rule);
        var due = (await console.AlertAsync(alert)).GetProperty("escalation")[0];
        due.GetProperty("state").GetString().Should().Be("due");

        await console.AdvanceAsync(TimeSpan.FromMinutes(5));
        (await console.Console.Http.PostAsJsonAsync($"/api/alerts/{alert}/ack", new { })).EnsureSuccessStatusCode();
        await console.AdvanceAsync(TimeSpan.FromMinutes(60));

        console.SentFor(alert).Select(n => (n.Notification.Status, n.ChannelIds!.Single())).Should().Equal([("firing", ops), ("acknowledged", ops)]);
        var step = (await console.AlertAsync(alert)).GetProperty("escalation")[0];
        step.GetProperty("state").GetString().Should().Be("stopped-by-acknowledge");
        step.GetProperty("sentAt").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_resolve_before_a_step_is_due_stops_it_and_goes_only_where_the_alert_went()
    {
        var (ops, lead) = (await console.ChannelAsync("ops"), await console.ChannelAsync("lead"));
        var test = await console.TestAsync("cart");
        var rule = await console.CreateAsync("/api/alert-rules", new
        {
            name = "cart down", condition = "testFailures", testId = test, consecutiveFailures = 1, channelIds = new[] { ops },
            escalation = new[] { new { afterMinutes = 15, channelIds = new[] { lead } } },
        });
        var alert = await console.FireAsync(test, rule);
        await console.AdvanceAsync(TimeSpan.FromMinutes(3));
        await console.SetFailingAsync(test, failing: false);
        await console.RunAsync(test);
        await console.EvaluateAsync();
        await console.AdvanceAsync(TimeSpan.FromMinutes(60));

        console.SentFor(alert).Select(n => (n.Notification.Status, n.ChannelIds!.Single())).Should().Equal([("firing", ops), ("resolved", ops)]);
        (await console.AlertAsync(alert)).GetProperty("escalation")[0].GetProperty("state").GetString().Should().Be("stopped-by-resolve");
    }

    [Fact]
    public async Task Bad_reminders_or_steps_are_refused_naming_the_field_and_change_nothing()
    {
        var ops = await console.ChannelAsync("ops");
        var test = await console.TestAsync("billing");
        var rule = await console.CreateAsync("/api/alert-rules", new
        {
            name = "billing down", condition = "testFailures", testId = test, repeatEveryMinutes = 15,
            escalation = new[] { new { afterMinutes = 10, channelIds = new[] { ops } } },
        });
        var before = (await console.Console.Http.GetFromJsonAsync<JsonElement>($"/api/alert-rules/{rule}")).GetRawText();

        await RefusedAsync(new { repeatEveryMinutes = 1441 }, "repeatEveryMinutes");
        await RefusedAsync(new { repeatEveryMinutes = -1 }, "repeatEveryMinutes");
        await RefusedAsync(new { escalation = new[] { new { afterMinutes = 10, channelIds = new[] { ops } }, new { afterMinutes = 10, channelIds = new[] { ops } } } }, "escalation[1].afterMinutes");
        await RefusedAsync(new { escalation = new[] { new { afterMinutes = 10, channelIds = new[] { ops } }, new { afterMinutes = 20, channelIds = new[] { 999_999 } } } }, "escalation[1].channelIds");
        await RefusedAsync(new { escalation = new[] { new { afterMinutes = 0, channelIds = new[] { ops } } } }, "escalation[0].afterMinutes");
        await RefusedAsync(new { escalation = new[] { new { afterMinutes = 5, channelIds = Array.Empty<int>() } } }, "escalation[0].channelIds");
        await RefusedAsync(new { escalation = Enumerable.Range(1, 11).Select(i => new { afterMinutes = i, channelIds = new[] { ops } }) }, "escalation");
        (await console.Console.Http.GetFromJsonAsync<JsonElement>($"/api/alert-rules/{rule}")).GetRawText().Should().Be(before, "a refused change changes nothing");

        var created = await console.Console.Http.PostAsJsonAsync("/api/alert-rules", new
        {
            name = "refused", condition = "testFailures", testId = test, escalation = new[] { new { afterMinutes = 5, channelIds = new[] { 999_998 } } },
        });
        created.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("escalation[0].channelIds")[0].GetString().Should().Contain("999998");

        (await console.Console.Http.PutAsJsonAsync($"/api/alert-rules/{rule}", new { repeatEveryMinutes = 0, escalation = Array.Empty<object>() })).EnsureSuccessStatusCode();
        var cleared = await console.Console.Http.GetFromJsonAsync<JsonElement>($"/api/alert-rules/{rule}");
        cleared.TryGetProperty("repeatEveryMinutes", out _).Should().BeFalse("0 turns reminders off");
        cleared.GetProperty("escalation").GetArrayLength().Should().Be(0);

        async Task RefusedAsync(object body, string field)
        {
            var response = await console.Console.Http.PutAsJsonAsync($"/api/alert-rules/{rule}", body);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
            JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue($"{field} is named in {text}");
        }
    }
}
