using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Tests.Fixtures;
using Quartz;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>GET /api/cluster on SQLite (one node, itself, checking in) and the scheduler's check-in in /healthz/ready.</summary>
public sealed class ClusterApiTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task On_sqlite_the_cluster_is_this_node_named_by_the_setting_and_checking_in()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Cluster:NodeName=noc-a", "Cluster:CheckInSeconds=1");
        using var viewer = await console.ClientAsync("Viewer");

        var first = await WaitForCheckInAsync(viewer, after: null);
        var later = await WaitForCheckInAsync(viewer, after: first);

        var body = await viewer.GetFromJsonAsync<JsonElement>("/api/cluster");
        body.GetProperty("provider").GetString().Should().Be("Sqlite");
        var node = body.GetProperty("nodes").EnumerateArray().Should().ContainSingle().Subject;
        node.GetProperty("name").GetString().Should().Be("noc-a");
        node.GetProperty("self").GetBoolean().Should().BeTrue();
        later.Should().BeAfter(first, "the scheduler keeps checking in");
        (await console.Anonymous.GetAsync("/api/cluster")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void Without_a_name_a_node_is_named_by_its_host_and_process()
    {
        new ClusterOptions().EffectiveNodeName.Should().Be($"{Environment.MachineName}-{Environment.ProcessId}");
        new ClusterOptions { NodeName = "  " }.EffectiveNodeName.Should().Be($"{Environment.MachineName}-{Environment.ProcessId}");
    }

    [Fact]
    public async Task A_scheduler_that_stops_checking_in_makes_the_node_unready_until_it_checks_in_again()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Cluster:CheckInSeconds=1", "Observability:ReadinessCacheSeconds=0");
        var scheduler = await console.Get<ISchedulerFactory>().GetScheduler();
        await WaitForSchedulerAsync(console, "Healthy");

        await scheduler.PauseJob(SchedulerCheckIn.JobKey);
        var late = await WaitForSchedulerAsync(console, "Unhealthy");

        late.GetProperty("description").GetString().Should().Contain("has not checked in");
        late.GetProperty("data").GetProperty("status").GetString().Should().Be("Running", "running but not firing is what the check-in catches");
        late.GetProperty("data").GetProperty("lastCheckIn").GetString().Should().NotBe("never");

        await scheduler.ResumeJob(SchedulerCheckIn.JobKey);
        await WaitForSchedulerAsync(console, "Healthy");
    }

    private static async Task<DateTimeOffset> WaitForCheckInAsync(HttpClient client, DateTimeOffset? after)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var node = (await client.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("nodes")[0];
            if (node.GetProperty("lastCheckIn").ValueKind == JsonValueKind.String && node.GetProperty("lastCheckIn").GetDateTimeOffset() is var at && (after is null || at > after))
                return at;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no new check-in");
            await Task.Delay(200);
        }
    }

    private static async Task<JsonElement> WaitForSchedulerAsync(ConsoleHost console, string status)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var response = await console.Anonymous.GetAsync("/healthz/ready");
            var check = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("scheduler");
            if (check.GetProperty("status").GetString() == status) return check;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the scheduler check did not become {status}: {check}");
            await Task.Delay(250);
        }
    }
}
