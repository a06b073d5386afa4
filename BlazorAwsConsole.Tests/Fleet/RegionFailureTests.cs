using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Fleet;

/// <summary>A region that fails does not hold up the others, keeps its last good data, and is retried with backoff.</summary>
public sealed class RegionFailureTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Other_regions_sync_while_one_region_endpoint_fails()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "healthy-region");
        // appsettings.json lists ap-southeast-2 fourth (index 3).
        await using var console = await ConsoleHost.StartAsync(moto, $"Fleet:Regions:3:ServiceUrl={ConsoleHost.DeadEndpoint()}");

        var report = await console.SyncAsync();

        report.Regions.Single(r => r.Region == "ap-southeast-2").Error.Should().Contain("unreachable");
        report.Regions.Where(r => r.Region != "ap-southeast-2").Should().OnlyContain(r => r.Error == null);
        console.Get<FleetSnapshot>().Find(id).Should().NotBeNull();
        var status = console.Get<FleetSnapshot>().Region("ap-southeast-2")!;
        status.IsStale.Should().BeTrue();
        status.LastSyncedAt.Should().BeNull();

        var health = await console.Http.GetFromJsonAsync<JsonElement>("/healthz");
        health.GetProperty("status").GetString().Should().Be("Degraded");
        health.GetProperty("checks").GetProperty("aws-regions").GetProperty("data").GetProperty("ap-southeast-2").GetString()
            .Should().Contain("unreachable");
    }

    [Fact]
    public async Task A_region_that_starts_failing_keeps_its_last_good_data_marked_stale_and_backs_off()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("eu-west-1"), "last-known-good");
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SyncAsync();
        var lastGood = console.Get<FleetSnapshot>().Region("eu-west-1")!.LastSyncedAt;
        await console.SetRegionEndpointAsync("eu-west-1", ConsoleHost.DeadEndpoint());

        await console.SyncAsync();
        var firstFailure = console.Get<FleetSnapshot>().Region("eu-west-1")!;
        await console.SyncAsync();
        var secondFailure = console.Get<FleetSnapshot>().Region("eu-west-1")!;

        console.Get<FleetSnapshot>().Find(id).Should().NotBeNull("the last good data stays on screen");
        var shown = await console.Http.GetFromJsonAsync<JsonElement>($"/api/instances/{id}");
        shown.GetProperty("instance").GetProperty("stale").GetBoolean().Should().BeTrue();
        firstFailure.LastSyncedAt.Should().Be(lastGood);
        secondFailure.ConsecutiveFailures.Should().Be(2);
        (secondFailure.NextAttemptAt - secondFailure.LastAttemptAt!.Value)
            .Should().BeGreaterThan(firstFailure.NextAttemptAt - firstFailure.LastAttemptAt!.Value, "each failure waits longer");

        await console.SetRegionEndpointAsync("eu-west-1", null);
        await console.SyncAsync();
        var recovered = console.Get<FleetSnapshot>().Region("eu-west-1")!;
        recovered.IsStale.Should().BeFalse();
        recovered.ConsecutiveFailures.Should().Be(0);
    }

    [Fact]
    public async Task A_scheduled_poll_right_after_a_good_one_polls_every_healthy_region_again()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var sync = console.Get<FleetSyncService>();
        await sync.SyncAsync(force: true);

        var next = await sync.SyncAsync();

        next.Regions.Select(r => r.Region).Should().BeEquivalentTo(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]);
    }

    [Fact]
    public async Task A_scheduled_poll_skips_a_failing_region_until_its_backoff_ends()
    {
        await using var console = await ConsoleHost.StartAsync(moto, $"Fleet:Regions:1:ServiceUrl={ConsoleHost.DeadEndpoint()}");
        var sync = console.Get<FleetSyncService>();
        await sync.SyncAsync(force: true);

        var next = await sync.SyncAsync();

        next.Regions.Select(r => r.Region).Should().NotContain("us-west-2", "its retry is not due yet");
    }
}
