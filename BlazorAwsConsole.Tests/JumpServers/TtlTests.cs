using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.JumpServers;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.JumpServers;

/// <summary>The TTL job on a clock the test moves: it expires jump servers and nothing else.</summary>
public sealed class TtlTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string Region = "eu-west-1";
    private readonly TestClock _clock = new();

    [Fact]
    public async Task An_expired_jump_server_is_stopped_and_an_untagged_instance_of_the_same_age_is_left_alone()
    {
        await using var console = await StartAsync();
        var jump = await LaunchAsync(console, "ttl-stop", "stop");
        var ordinary = await Ec2Fleet.LaunchAsync(moto.Ec2(Region), "ordinary", ("ExpiresAt", "2000-01-01T00:00:00Z"));
        await console.SyncAsync();

        (await console.Get<TtlEnforcer>().EnforceAsync(CancellationToken.None)).Should().BeEmpty("nothing has expired yet");
        _clock.Advance(TimeSpan.FromMinutes(31));
        var acted = await console.Get<TtlEnforcer>().EnforceAsync(CancellationToken.None);

        acted.Should().Equal(jump);
        (await Ec2Fleet.StateAsync(moto.Ec2(Region), jump)).Should().Be("stopped");
        (await Ec2Fleet.StateAsync(moto.Ec2(Region), ordinary)).Should().Be("running");
        console.Get<FleetSnapshot>().Find(jump)!.State.Should().Be("stopped");
        var log = await console.Get<FleetQueries>().ChangesAsync(new ChangeFilter(jump), 0, 50, CancellationToken.None);
        log.Should().Contain(c => c.Kind == ChangeKind.TtlExpired && c.ChangedBy == "ttl" && c.NewValue == "stop");
        log.Should().Contain(c => c.Kind == ChangeKind.Action && c.ChangedBy == "ttl" && c.NewValue == "stop");

        (await console.Get<TtlEnforcer>().EnforceAsync(CancellationToken.None)).Should().BeEmpty("a stopped jump server is not stopped again");
    }

    [Fact]
    public async Task A_terminate_template_terminates_its_expired_jump_server()
    {
        await using var console = await StartAsync();
        var jump = await LaunchAsync(console, "ttl-terminate", "terminate");

        _clock.Advance(TimeSpan.FromMinutes(31));
        await console.Get<TtlEnforcer>().EnforceAsync(CancellationToken.None);

        (await Ec2Fleet.StateAsync(moto.Ec2(Region), jump)).Should().Be("terminated");
    }

    [Fact]
    public async Task An_instance_whose_jump_server_tag_was_removed_in_EC2_is_not_touched_even_if_the_snapshot_still_says_so()
    {
        await using var console = await StartAsync();
        var jump = await LaunchAsync(console, "ttl-untagged", "terminate");
        await moto.Ec2(Region).DeleteTagsAsync(new DeleteTagsRequest { Resources = [jump], Tags = [new Tag("Role")] });

        _clock.Advance(TimeSpan.FromMinutes(31));
        var acted = await console.Get<TtlEnforcer>().EnforceAsync(CancellationToken.None);

        acted.Should().BeEmpty();
        (await Ec2Fleet.StateAsync(moto.Ec2(Region), jump)).Should().Be("running");
    }

    [Fact]
    public async Task Extending_the_TTL_moves_ExpiresAt_in_EC2_logs_it_and_keeps_the_server_running_past_its_old_expiry()
    {
        await using var console = await StartAsync();
        var jump = await LaunchAsync(console, "ttl-extend", "stop");

        var response = await console.Http.PostAsJsonAsync($"/api/jump-servers/{jump}/extend", new { minutes = 60 });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var tags = (await moto.Ec2(Region).DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [jump] })).Reservations[0].Instances[0].Tags;
        var expires = DateTime.Parse(tags.Single(t => t.Key == "ExpiresAt").Value, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        expires.Should().BeCloseTo(DateTime.UtcNow.AddMinutes(90), TimeSpan.FromMinutes(1));
        var log = await console.Get<FleetQueries>().ChangesAsync(new ChangeFilter(jump), 0, 50, CancellationToken.None);
        log.Should().Contain(c => c.Kind == ChangeKind.TtlExtended && c.ChangedBy!.StartsWith("apikey:test-Admin"));

        _clock.Advance(TimeSpan.FromMinutes(31));
        (await console.Get<TtlEnforcer>().EnforceAsync(CancellationToken.None)).Should().BeEmpty();
        (await Ec2Fleet.StateAsync(moto.Ec2(Region), jump)).Should().Be("running");
    }

    [Theory]
    [InlineData("i-0123456789abcdef0", 60, HttpStatusCode.NotFound)]
    [InlineData("i-0123456789abcdef0", 0, HttpStatusCode.BadRequest)]
    [InlineData("not-an-id", 60, HttpStatusCode.BadRequest)]
    public async Task Extending_something_that_is_not_a_jump_server_or_by_nothing_is_refused(string instanceId, int minutes, HttpStatusCode expected)
    {
        await using var console = await StartAsync();

        var response = await console.Http.PostAsJsonAsync($"/api/jump-servers/{instanceId}/extend", new { minutes });

        response.StatusCode.Should().Be(expected);
    }

    [Fact]
    public async Task The_scheduled_job_expires_jump_servers_without_being_asked()
    {
        await using var console = await StartAsync("JumpServers:EnforceTtlOnSchedule=true", "JumpServers:TtlCheckIntervalSeconds=5");
        var jump = await LaunchAsync(console, "ttl-scheduled", "stop");

        _clock.Advance(TimeSpan.FromMinutes(31));

        await Poll.UntilAsync(async () => await Ec2Fleet.StateAsync(moto.Ec2(Region), jump) == "stopped", TimeSpan.FromSeconds(30),
            () => "the job runs every 5 s, yet the jump server is not stopped", everyMs: 250);
    }

    private Task<ConsoleHost> StartAsync(params string[] settings) =>
        ConsoleHost.StartAsync(moto, builder => builder.Services.AddSingleton<TimeProvider>(_clock), settings);

    private async Task<string> LaunchAsync(ConsoleHost console, string name, string ttlAction)
    {
        var body = await Templates.ValidAsync(moto, Region, name + "-" + Guid.NewGuid().ToString("n")[..6]);
        body["ttlAction"] = ttlAction;
        var id = (await Templates.CreateAsync(console, body)).GetProperty("id").GetInt32();
        var response = await console.Http.PostAsync($"/api/templates/{id}/launch", null);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToString());
        return json.GetProperty("instanceId").GetString()!;
    }
}
