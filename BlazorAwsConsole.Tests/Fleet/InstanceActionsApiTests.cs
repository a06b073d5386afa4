using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Fleet;

public sealed class InstanceActionsApiTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Stop_then_start_through_the_API_changes_the_instance_in_EC2_and_logs_who_did_it()
    {
        var ec2 = moto.Ec2("us-east-1");
        var id = await Ec2Fleet.LaunchAsync(ec2, "api-target");
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SyncAsync();

        var stop = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });

        stop.StatusCode.Should().Be(HttpStatusCode.OK);
        (await stop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString().Should().Be("stopped");
        (await Ec2Fleet.StateAsync(ec2, id)).Should().Be("stopped");
        console.Get<FleetSnapshot>().Find(id)!.State.Should().Be("stopped", "the new state shows without waiting for a poll");

        var start = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "START" });
        start.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Ec2Fleet.StateAsync(ec2, id)).Should().Be("running");

        var detail = await console.Http.GetFromJsonAsync<JsonElement>($"/api/instances/{id}");
        var changes = detail.GetProperty("recentChanges").EnumerateArray().ToList();
        changes.Should().Contain(c => c.GetProperty("kind").GetString() == "action" && c.GetProperty("newValue").GetString() == "stop"
            && c.GetProperty("changedBy").GetString()!.StartsWith("apikey:test-Admin"));
        changes.Should().Contain(c => c.GetProperty("kind").GetString() == "state" && c.GetProperty("oldValue").GetString() == "running"
            && c.GetProperty("newValue").GetString() == "stopped" && c.GetProperty("changedBy").GetString() != "poll");
    }

    [Fact]
    public async Task Reboot_and_terminate_reach_EC2()
    {
        var ec2 = moto.Ec2("us-west-2");
        var id = await Ec2Fleet.LaunchAsync(ec2, "short-lived");
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SyncAsync();

        (await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "reboot" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "terminate" })).StatusCode.Should().Be(HttpStatusCode.OK);

        (await Ec2Fleet.StateAsync(ec2, id)).Should().Be("terminated");
        console.Get<FleetSnapshot>().Find(id)!.State.Should().Be("terminated");
        var log = await console.Get<FleetQueries>().ChangesAsync(new ChangeFilter(id), 0, 50, CancellationToken.None);
        log.Where(c => c.Kind == ChangeKind.Action).Select(c => c.NewValue).Should().BeEquivalentTo(["reboot", "terminate"]);
    }

    [Fact]
    public async Task An_action_AWS_refuses_is_a_409_with_AWS_message_and_changes_nothing()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("eu-west-1"), "forgotten-by-aws");
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SyncAsync();
        await moto.ResetAsync(); // EC2 no longer knows the instance the console shows

        var response = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain("InvalidInstanceID.NotFound");
        console.Get<FleetSnapshot>().Find(id)!.State.Should().Be("running");
    }

    [Fact]
    public async Task An_action_on_an_unreachable_region_is_a_502_naming_the_failure()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("ap-southeast-2"), "behind-a-dead-endpoint");
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SyncAsync();
        await console.SetRegionEndpointAsync("ap-southeast-2", ConsoleHost.DeadEndpoint());

        var response = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "reboot" });

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("i-123", "instanceId")]
    [InlineData("not-an-id", "instanceId")]
    [InlineData("i-0123456789abcdefZ", "instanceId")]
    public async Task A_malformed_instance_id_is_a_400_naming_the_field(string id, string field)
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        var action = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });
        var get = await console.Http.GetAsync($"/api/instances/{id}");

        foreach (var response in new[] { action, get })
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
        }
    }

    [Fact]
    public async Task An_unknown_instance_is_a_404_problem()
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        var action = await console.Http.PostAsJsonAsync("/api/instances/i-0123456789abcdef0/action", new { action = "stop" });
        var get = await console.Http.GetAsync("/api/instances/i-0123456789abcdef0");

        action.StatusCode.Should().Be(HttpStatusCode.NotFound);
        get.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await get.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("Instance not found");
    }

    [Theory]
    [InlineData("""{"action":"explode"}""")]
    [InlineData("""{"action":""}""")]
    [InlineData("""{"action":"1"}""")]
    [InlineData("""{}""")]
    public async Task An_unknown_action_is_a_400_listing_the_allowed_ones(string body)
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "untouched");
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SyncAsync();

        var response = await console.Http.PostAsync($"/api/instances/{id}/action", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("action")[0].GetString();
        message.Should().Contain("start, stop, reboot, terminate");
        (await Ec2Fleet.StateAsync(moto.Ec2("us-east-1"), id)).Should().Be("running");
    }

    [Theory]
    [InlineData("""{"action":""")]
    [InlineData("""not json""")]
    [InlineData("""{"action": 42}""")]
    [InlineData("""[1,2,3]""")]
    public async Task A_malformed_body_is_a_400_problem_not_a_500(string body)
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        var response = await console.Http.PostAsync("/api/instances/i-0123456789abcdef0/action", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("request");
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var body = $$"""{"action":"stop","padding":"{{new string('x', 64 * 1024)}}"}""";

        var response = await console.Http.PostAsync("/api/instances/i-0123456789abcdef0/action", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_second_action_on_an_instance_while_one_runs_is_a_409_naming_the_running_action_and_allowed_after()
    {
        var ec2 = moto.Ec2("us-west-2");
        var id = await Ec2Fleet.LaunchAsync(ec2, "one-at-a-time");
        await using var proxy = new SlowEc2Proxy(moto.Endpoint);
        var firstStopOver = false;
        // The first stop gets no answer until the console's AWS deadline: an action still running. Every
        // attempt of it hangs (the SDK may retry one that timed out or lost its connection on a loaded
        // machine, and a retry that got through would make the first stop succeed).
        proxy.Hangs = body => body.Contains("Action=StopInstances") && !Volatile.Read(ref firstStopOver);
        await using var console = await ConsoleHost.StartAsync(moto, "Aws:TimeoutSeconds=15", "Cluster:NodeName=solo");
        await console.SetRegionEndpointAsync("us-west-2", proxy.Endpoint);
        await console.SyncAsync();

        var slow = console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });
        await Poll.UntilAsync(() => proxy.Requests.Any(r => r.Contains("Action=StopInstances")), TimeSpan.FromSeconds(30),
            () => "the stop never reached EC2", everyMs: 100);
        var refused = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "terminate" });

        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain($"Stop of {id} is in progress on node solo");
        proxy.Requests.Should().NotContain(r => r.Contains("Action=TerminateInstances"));

        (await slow).StatusCode.Should().Be(HttpStatusCode.BadGateway, "EC2 did not answer the first stop in time");
        Volatile.Write(ref firstStopOver, true);
        var again = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });
        again.StatusCode.Should().Be(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        (await Ec2Fleet.StateAsync(ec2, id)).Should().Be("stopped");
    }
}
