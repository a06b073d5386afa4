using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Events;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Fleet.Events;

/// <summary>
/// moto with us-east-1's event queue made by the Regions tab's own CLI commands, and a console whose
/// poll never runs on its own: whatever reaches the inventory after the first sync came through the queue.
/// </summary>
public sealed class EventQueueConsole : IAsyncLifetime
{
    public const string Region = "us-east-1";

    public MotoFixture Moto { get; } = new();
    public ConsoleHost Console { get; private set; } = null!;
    public MotoEventBridge Events { get; private set; } = null!;
    public IAmazonSQS Sqs { get; private set; } = null!;
    public string QueueUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Moto.InitializeAsync();
        QueueUrl = await EventQueueSetup.CreateAsync(Moto, Region);
        Events = new MotoEventBridge(Moto.Endpoint, Region);
        Sqs = Moto.Sqs(Region);
        // Short long polls only so the test console stops quickly; the reader is the production one.
        Console = await ConsoleHost.StartAsync(Moto, "Fleet:EventWaitSeconds=2");
        var saved = await Console.Http.PutAsJsonAsync($"/api/settings/regions/{Region}", new { eventQueueUrl = QueueUrl });
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
    }

    public async Task<string> LaunchAsync(string name)
    {
        var id = await Ec2Fleet.LaunchAsync(Moto.Ec2(Region), name);
        await Console.SyncAsync();
        Console.Get<FleetSnapshot>().Find(id).Should().NotBeNull();
        return id;
    }

    public async Task<int> MessagesLeftAsync()
    {
        var attributes = await Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = QueueUrl,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        });
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    public async Task DisposeAsync()
    {
        if (Console is not null) await Console.DisposeAsync();
        Events?.Dispose();
        Sqs?.Dispose();
        await Moto.DisposeAsync();
    }
}

public sealed class EventQueueTests(EventQueueConsole fixture) : IClassFixture<EventQueueConsole>
{
    private readonly ConsoleHost _console = fixture.Console;

    [Fact]
    public async Task A_stop_made_behind_the_console_arrives_through_the_queue_without_a_poll()
    {
        var id = await fixture.LaunchAsync("events-web");

        await Ec2Fleet.StopAsync(fixture.Moto.Ec2(EventQueueConsole.Region), id);
        await fixture.Events.PutStateChangeAsync(id, "stopped");

        await WaitUntilAsync(async () => (await Detail(id)).GetProperty("instance").GetProperty("state").GetString() == "stopped",
            "the stop reaches the API through the queue");
        var change = (await Detail(id)).GetProperty("recentChanges").EnumerateArray().First(c => c.GetProperty("field").GetString() == "state");
        change.GetProperty("oldValue").GetString().Should().Be("running");
        change.GetProperty("newValue").GetString().Should().Be("stopped");
        change.GetProperty("changedBy").GetString().Should().Be("event");

        var region = (await _console.Http.GetFromJsonAsync<JsonElement>("/api/regions")).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("code").GetString() == EventQueueConsole.Region);
        region.GetProperty("eventQueueUrl").GetString().Should().Be(fixture.QueueUrl);
        region.GetProperty("lastEventAt").ValueKind.Should().Be(JsonValueKind.String);
        region.GetProperty("eventsError").ValueKind.Should().Be(JsonValueKind.Null);
        await WaitUntilAsync(async () => await fixture.MessagesLeftAsync() == 0, "the applied message is deleted");
    }

    [Fact]
    public async Task Poison_messages_change_nothing_are_deleted_and_the_next_good_event_still_arrives()
    {
        var id = await fixture.LaunchAsync("events-poison");
        var board = _console.Get<EventQueueBoard>();
        var rejectedBefore = board.For(EventQueueConsole.Region)!.MessagesRejected;
        var changesBefore = await TotalChangesAsync();

        await fixture.Sqs.SendMessageAsync(fixture.QueueUrl, "this is not JSON {");
        // A foreign event reaches the queue when another rule shares it (the console's own rules let none through).
        await fixture.Sqs.SendMessageAsync(fixture.QueueUrl,
            """{"version":"0","id":"1","detail-type":"Object Created","source":"aws.s3","account":"123456789012","time":"2026-11-28T10:00:00Z","region":"us-east-1","resources":[],"detail":{"bucket":{"name":"logs"}}}""");
        await fixture.Events.PutStateChangeAsync("i-0123456789abcdef0", "stopped");
        await WaitUntilAsync(() => Task.FromResult(board.For(EventQueueConsole.Region)!.MessagesRejected >= rejectedBefore + 3),
            "the three poison messages are rejected");
        (await TotalChangesAsync()).Should().Be(changesBefore, "poison changes nothing");

        await Ec2Fleet.StopAsync(fixture.Moto.Ec2(EventQueueConsole.Region), id);
        await fixture.Events.PutStateChangeAsync(id, "stopped");

        await WaitUntilAsync(async () => (await Detail(id)).GetProperty("instance").GetProperty("state").GetString() == "stopped",
            "the good event after the poison still arrives");
        var after = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/changes?pageSize={await TotalChangesAsync() - changesBefore}");
        after.GetProperty("items").EnumerateArray().Should().OnlyContain(c => c.GetProperty("instanceId").GetString() == id, "only the good event changed anything");
        await WaitUntilAsync(async () => await fixture.MessagesLeftAsync() == 0, "poison and good messages are all deleted");
    }

    [Fact]
    public async Task Spot_interruption_rebalance_and_health_events_are_logged_on_the_instance()
    {
        var id = await fixture.LaunchAsync("events-spot");
        var arn = $"arn:aws:ec2:{EventQueueConsole.Region}:123456789012:instance/{id}";

        await fixture.Events.PutEventAsync("aws.ec2", "EC2 Spot Instance Interruption Warning",
            new Dictionary<string, string> { ["instance-id"] = id, ["instance-action"] = "terminate" }, [arn]);
        await fixture.Events.PutEventAsync("aws.ec2", "EC2 Instance Rebalance Recommendation",
            new Dictionary<string, string> { ["instance-id"] = id }, [arn]);
        await fixture.Events.PutEventAsync("aws.health", "AWS Health Event", new
        {
            eventArn = $"arn:aws:health:{EventQueueConsole.Region}::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED_1",
            service = "EC2",
            eventTypeCode = "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED",
            eventTypeCategory = "scheduledChange",
            startTime = "Sat, 05 Dec 2026 15:10:09 GMT",
            eventDescription = new[] { new { language = "en_US", latestDescription = "EC2 has detected degradation of the underlying hardware." } },
            affectedEntities = new[] { new { entityValue = id } },
        }, [id]);

        await WaitUntilAsync(async () => Notices(await Detail(id)).Count == 3, "three notices are logged");
        var notices = Notices(await Detail(id));
        notices.Select(n => n.Field).Should().BeEquivalentTo(
            ["spot-interruption", "rebalance-recommendation", "health:AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"]);
        notices.Single(n => n.Field == "spot-interruption").Text.Should().Contain("terminate");
        notices.Single(n => n.Field.StartsWith("health:")).Text.Should().Contain("degradation of the underlying hardware");
    }

    [Fact]
    public async Task A_message_whose_handling_fails_stays_on_the_queue_and_is_applied_when_it_comes_back()
    {
        var id = await fixture.LaunchAsync("events-retry");
        await fixture.Sqs.SetQueueAttributesAsync(fixture.QueueUrl, new Dictionary<string, string> { ["VisibilityTimeout"] = "5" });
        var shortened = DateTime.UtcNow;
        // moto reads the queue's VisibilityTimeout when a ReceiveMessage arrives, not when a message is handed out during
        // its long poll: a message delivered into the reader's poll already in flight would get the queue's old 60 s
        // (the Regions tab's queue) and come back only after the wait below. So let that poll finish first; every poll
        // started after it hands the message out with 5 s.
        await WaitUntilAsync(() => Task.FromResult(_console.Get<EventQueueBoard>().For(EventQueueConsole.Region)?.LastReceiveAt > shortened),
            "a receive that started before the shorter visibility timeout has finished");
        await _console.SetRegionEndpointAsync(EventQueueConsole.Region, ConsoleHost.DeadEndpoint());
        try
        {
            await Ec2Fleet.StopAsync(fixture.Moto.Ec2(EventQueueConsole.Region), id);
            await fixture.Events.PutStateChangeAsync(id, "stopped");

            // EC2 cannot be read, so the message is received and not deleted (it shows as in flight).
            await WaitUntilAsync(async () => (await fixture.Sqs.GetQueueAttributesAsync(fixture.QueueUrl, ["All"]))
                .ApproximateNumberOfMessagesNotVisible >= 1, "the failing message is held in flight, not deleted");
            _console.Get<FleetSnapshot>().Find(id)!.State.Should().Be("running");
        }
        finally
        {
            // Each failed receive counts towards the dead-letter queue (maxReceiveCount 5), so restore at once.
            await _console.SetRegionEndpointAsync(EventQueueConsole.Region, null);
        }

        await WaitUntilAsync(async () => (await Detail(id)).GetProperty("instance").GetProperty("state").GetString() == "stopped",
            "the message comes back after its visibility timeout and is applied", seconds: 60);
    }

    [Fact]
    public async Task A_queue_url_is_checked_with_GetQueueAttributes_before_it_is_saved_and_empty_removes_it()
    {
        const string region = "eu-west-1";
        var other = (await fixture.Sqs.CreateQueueAsync($"elsewhere-{Guid.NewGuid():n}")).QueueUrl; // in us-east-1
        using var westSqs = fixture.Moto.Sqs(region);
        var west = (await westSqs.CreateQueueAsync($"west-{Guid.NewGuid():n}")).QueueUrl;

        foreach (var bad in new[] { "not a url", "ftp://example.com/queue", $"{fixture.Moto.Endpoint}/123456789012/no-such-queue", other })
        {
            var response = await _console.Http.PutAsJsonAsync($"/api/settings/regions/{region}", new { eventQueueUrl = bad });
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, bad);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("errors").GetProperty("eventQueueUrl")[0].GetString().Should().NotBeNullOrWhiteSpace();
        }
        (await RegionSetting(region)).GetProperty("eventQueueUrl").ValueKind.Should().Be(JsonValueKind.Null);

        (await _console.Http.PutAsJsonAsync($"/api/settings/regions/{region}", new { eventQueueUrl = west })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await RegionSetting(region)).GetProperty("eventQueueUrl").GetString().Should().Be(west);
        await WaitUntilAsync(() => Task.FromResult(_console.Get<EventQueueBoard>().For(region)?.LastReceiveAt is not null), "the new queue is read");
        (await RegionSetting(region)).GetProperty("eventsError").ValueKind.Should().Be(JsonValueKind.Null);

        (await _console.Http.PutAsJsonAsync($"/api/settings/regions/{region}", new { eventQueueUrl = "" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await RegionSetting(region)).GetProperty("eventQueueUrl").ValueKind.Should().Be(JsonValueKind.Null);
        _console.Get<EventQueueSupervisor>().Reading.Should().NotContain(region);
    }

    [Fact]
    public async Task An_AWS_Health_event_naming_150_instances_reads_the_first_100_with_one_DescribeInstances_call()
    {
        var ids = await Ec2Fleet.LaunchManyAsync(fixture.Moto.Ec2(EventQueueConsole.Region), 150, "events-many");
        await _console.SyncAsync();
        var code = $"AWS_EC2_MANY_{Guid.NewGuid():N}";
        await using var proxy = new SlowEc2Proxy(fixture.Moto.Endpoint);
        await _console.SetRegionEndpointAsync(EventQueueConsole.Region, proxy.Endpoint);
        try
        {
            await SendAndWaitAsync(Envelope("aws.health", Ec2EventParser.HealthType, EventQueueConsole.Region, new
            {
                service = "EC2", eventTypeCode = code, eventTypeCategory = "scheduledChange",
                affectedEntities = ids.Select(id => new { entityValue = id }).ToArray(),
            }));
        }
        finally
        {
            await _console.SetRegionEndpointAsync(EventQueueConsole.Region, null);
        }

        var describes = proxy.Requests.Where(r => r.Contains("Action=DescribeInstances&", StringComparison.Ordinal)).ToList();
        describes.Should().ContainSingle("one call reads every instance of the event");
        ids.Take(100).Should().OnlyContain(id => describes[0].Contains(id, StringComparison.Ordinal));
        ids.Skip(100).Should().NotContain(id => describes[0].Contains(id, StringComparison.Ordinal), "ids past the 100th are left off");
        (await NoticedAsync($"health:{code}")).Should().BeEquivalentTo(ids.Take(100));
    }

    [Fact]
    public async Task An_event_naming_another_region_than_its_queue_s_is_dropped()
    {
        const string west = "eu-west-1";
        var id = await Ec2Fleet.LaunchAsync(fixture.Moto.Ec2(west), "events-west");
        await _console.SyncAsync();
        await Ec2Fleet.StopAsync(fixture.Moto.Ec2(west), id);
        var rejected = Board.MessagesRejected;

        // A watched region, but its events come on its own queue: us-east-1's queue has no say about it.
        await SendAndWaitAsync(Envelope("aws.ec2", Ec2EventParser.StateChangeType, west,
            new Dictionary<string, string> { ["instance-id"] = id, ["state"] = "stopped" }, $"arn:aws:ec2:{west}:123456789012:instance/{id}"));

        Board.MessagesRejected.Should().Be(rejected + 1);
        _console.Get<FleetSnapshot>().Find(id)!.State.Should().Be("running", "the event was dropped, and no poll ran since");
    }

    [Fact]
    public async Task A_notice_about_an_instance_the_fleet_does_not_know_raises_no_alert()
    {
        var known = await fixture.LaunchAsync("events-known-spot");
        // In EC2, in the watched region, but never polled: the fleet does not know it.
        var unknown = await Ec2Fleet.LaunchAsync(fixture.Moto.Ec2(EventQueueConsole.Region), "events-unknown-spot");
        var created = await _console.Http.PostAsJsonAsync("/api/alert-rules", new { name = $"spot {Guid.NewGuid():N}", condition = "awsNotice", noticeKind = "spot-interruption" });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var rule = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        foreach (var id in new[] { unknown, known })
        {
            await SendAndWaitAsync(Envelope("aws.ec2", Ec2EventParser.SpotInterruptionType, EventQueueConsole.Region,
                new Dictionary<string, string> { ["instance-id"] = id, ["instance-action"] = "terminate" }, $"arn:aws:ec2:{EventQueueConsole.Region}:123456789012:instance/{id}"));
        }

        (await NoticedAsync(AwsNoticeKinds.SpotInterruption)).Should().Contain(known).And.NotContain(unknown);
        await _console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var alerted = await db.Alerts.AsNoTracking().Where(a => a.RuleId == rule && a.ResolvedAt == null).Select(a => a.SubjectKey).ToListAsync();
        // Other tests' Spot notices may be within the rule's window too: only these two instances matter here.
        alerted.Should().Contain($"instance:{known}").And.NotContain($"instance:{unknown}");
    }

    private EventQueueStatus Board => _console.Get<EventQueueBoard>().For(EventQueueConsole.Region)!;

    /// <summary>Sends one message to the queue as anyone allowed to could, and waits until the console has applied or rejected it.</summary>
    private async Task SendAndWaitAsync(string body)
    {
        var handled = Board.EventsApplied + Board.MessagesRejected;
        await fixture.Sqs.SendMessageAsync(fixture.QueueUrl, body);
        await WaitUntilAsync(() => Task.FromResult(Board.EventsApplied + Board.MessagesRejected > handled), "the message is handled");
    }

    /// <summary>An event in EventBridge's envelope, written by hand.</summary>
    private static string Envelope(string source, string detailType, string region, object detail, params string[] resources) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "0", ["id"] = Guid.NewGuid().ToString(), ["detail-type"] = detailType, ["source"] = source, ["account"] = "123456789012",
            ["time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["region"] = region, ["resources"] = resources, ["detail"] = detail,
        });

    /// <summary>The instances that have a notice of this field (or kind) in the change log.</summary>
    private async Task<List<string>> NoticedAsync(string field)
    {
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.InstanceChanges.AsNoTracking().Where(c => c.Kind == ChangeKind.AwsNotice && c.Field == field).Select(c => c.InstanceId).ToListAsync();
    }

    private async Task<JsonElement> Detail(string id) => await _console.Http.GetFromJsonAsync<JsonElement>($"/api/instances/{id}");

    private async Task<JsonElement> RegionSetting(string code) =>
        (await _console.Http.GetFromJsonAsync<JsonElement>("/api/settings/regions")).GetProperty("items").EnumerateArray().Single(r => r.GetProperty("code").GetString() == code);

    private async Task<int> TotalChangesAsync() =>
        (await _console.Http.GetFromJsonAsync<JsonElement>("/api/changes?pageSize=1")).GetProperty("total").GetInt32();

    private static List<(string Field, string Text)> Notices(JsonElement detail) => detail.GetProperty("recentChanges").EnumerateArray()
        .Where(c => c.GetProperty("kind").GetString() == "awsnotice")
        .Select(c => (c.GetProperty("field").GetString()!, c.GetProperty("newValue").GetString()!)).ToList();

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string because, int seconds = 30) =>
        Poll.UntilAsync(condition, TimeSpan.FromSeconds(seconds), () => $"timed out waiting until {because}", everyMs: 100);
}
