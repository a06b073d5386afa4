using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Fleet;

/// <summary>
/// A big region on a slow endpoint (issue 12): a page that misses its deadline is asked again smaller
/// and the region loads, its status shows how far the read got, and a read that stops early stores
/// what it read without taking the unread instances for gone. The slowness is a loopback proxy in
/// front of moto that never answers the pages a test picks, so nothing here depends on timing.
/// </summary>
public sealed class SlowEndpointTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    // appsettings.json lists us-east-1, us-west-2, eu-west-1, ap-southeast-2: the index is the setting's.
    private const int UsEast1 = 0, UsWest2 = 1, EuWest1 = 2, ApSoutheast2 = 3;

    [Fact]
    public async Task A_page_that_misses_its_deadline_is_asked_again_smaller_and_the_region_loads_showing_its_progress()
    {
        var ids = await LaunchReservationsAsync(moto.Ec2("us-west-2"), reservations: 20, each: 3);
        await using var proxy = new SlowEc2Proxy(moto.Endpoint);
        // The endpoint cannot answer a page of more than 20 (moto counts MaxResults in reservations).
        proxy.Hangs = body => body.Contains("Action=DescribeInstances&") && MaxResults(body) > 20;
        await using var console = await ConsoleHost.StartAsync(moto,
            $"Fleet:Regions:{UsWest2}:ServiceUrl={proxy.Endpoint}", "Fleet:ReadPageTimeoutSeconds=4");
        var shown = new List<string>();
        using var watching = console.Get<LiveFeed>().Subscribe<FleetChanged>(_ =>
        {
            if (console.Get<FleetSnapshot>().Region("us-west-2")?.Progress is { } progress) lock (shown) shown.Add(progress);
            return Task.CompletedTask;
        }, queueCapacity: 1024);

        var report = await console.SyncAsync();

        var region = report.Regions.Single(r => r.Region == "us-west-2");
        region.Error.Should().BeNull();
        region.Complete.Should().BeTrue();
        region.PageSizeChanges.Should().Equal("1000→250", "250→62", "62→15");
        region.Timeouts.Should().Be(3);
        region.Pages.Should().Be(2, "20 reservations in pages of 15");
        region.Instances.Should().Be(60);
        var snapshot = console.Get<FleetSnapshot>();
        snapshot.Instances.Where(i => i.Region == "us-west-2").Select(i => i.InstanceId).Should().BeEquivalentTo(ids);
        snapshot.Region("us-west-2")!.Progress.Should().BeNull("the read is over");
        snapshot.Region("us-west-2")!.IsStale.Should().BeFalse();
        await Poll.UntilAsync(() => { lock (shown) return shown.Any(p => p.Contains("of ~60 instances (pages of 15 after 3 timeouts)")); },
            TimeSpan.FromSeconds(30), () => "the progress of the paged read was not shown", everyMs: 50);

        // The region keeps its smaller pages: the next poll asks 15 at once and misses no deadline.
        var next = (await console.SyncAsync()).Regions.Single(r => r.Region == "us-west-2");
        (next.Error, next.Timeouts, next.PageSize, next.Instances).Should().Be((null, 0, 15, 60));
    }

    [Fact]
    public async Task A_read_that_stops_early_stores_the_pages_it_read_and_keeps_the_unread_instances()
    {
        var ec2 = moto.Ec2("eu-west-1");
        var ids = await LaunchReservationsAsync(ec2, reservations: 20, each: 3);
        await using var proxy = new SlowEc2Proxy(moto.Endpoint);
        await using var console = await ConsoleHost.StartAsync(moto,
            $"Fleet:Regions:{EuWest1}:ServiceUrl={proxy.Endpoint}", "Fleet:ReadPageTimeoutSeconds=4", "Fleet:PageSize=15");
        (await console.SyncAsync()).Regions.Single(r => r.Region == "eu-west-1").Instances.Should().Be(60);

        // The first reservation is on the first page; nothing after the first page is answered any more.
        await Ec2Fleet.StopAsync(ec2, ids[0]);
        proxy.Hangs = body => body.Contains("Action=DescribeInstances&") && body.Contains("NextToken=");
        var report = await console.SyncAsync();

        var region = report.Regions.Single(r => r.Region == "eu-west-1");
        region.Complete.Should().BeFalse();
        region.Error.Should().Be("Timed out waiting for AWS after 45 of ~60 instances (those were stored; the rest kept as last seen)");
        region.PageSizeChanges.Should().Equal("15→5");
        var snapshot = console.Get<FleetSnapshot>();
        snapshot.Instances.Where(i => i.Region == "eu-west-1").Should().HaveCount(60, "an unread instance is not a gone one");
        snapshot.Find(ids[0])!.State.Should().Be("stopped", "the pages that were read are stored");
        snapshot.Region("eu-west-1")!.IsStale.Should().BeTrue();
        await using var scope = console.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        (await db.InstanceChanges.CountAsync(c => c.Region == "eu-west-1" && c.Kind == ChangeKind.Disappeared)).Should().Be(0);
        (await db.Instances.CountAsync(i => i.Region == "eu-west-1")).Should().Be(60);

        // The endpoint recovers: the next read finishes.
        proxy.Hangs = _ => false;
        var recovered = (await console.SyncAsync()).Regions.Single(r => r.Region == "eu-west-1");
        (recovered.Error, recovered.Complete, recovered.Instances).Should().Be((null, true, 60));
    }

    [Fact]
    public async Task Regions_that_time_out_together_are_read_again_one_after_another_and_stay_so()
    {
        var east = await LaunchReservationsAsync(moto.Ec2("us-east-1"), reservations: 2, each: 2);
        var sydney = await LaunchReservationsAsync(moto.Ec2("ap-southeast-2"), reservations: 2, each: 2);
        await using var proxy = new SlowEc2Proxy(moto.Endpoint) { ChokesOnConcurrentListings = TimeSpan.FromSeconds(3) };
        await using var console = await ConsoleHost.StartAsync(moto,
            $"Fleet:Regions:{UsEast1}:ServiceUrl={proxy.Endpoint}", $"Fleet:Regions:{ApSoutheast2}:ServiceUrl={proxy.Endpoint}",
            // The two regions of this test only; no pacing by smaller pages, which cannot help here.
            $"Fleet:Regions:{UsWest2}:Enabled=false", $"Fleet:Regions:{EuWest1}:Enabled=false",
            "Fleet:ReadPageTimeoutSeconds=6", "Fleet:PageSize=5");

        var report = await console.SyncAsync();

        report.Regions.Should().HaveCount(2).And.OnlyContain(r => r.Error == null && r.Complete && r.RetriedAlone && r.Instances == 4);
        var snapshot = console.Get<FleetSnapshot>();
        snapshot.Instances.Select(i => i.InstanceId).Should().Contain(east).And.Contain(sydney);
        console.Get<ReadPacing>().OneAtATime.Should().BeTrue();

        // The next poll reads them one after another from the start: nothing times out.
        var next = await console.SyncAsync();
        next.Regions.Should().OnlyContain(r => r.Error == null && r.Timeouts == 0 && !r.RetriedAlone);
    }

    private static int MaxResults(string body) =>
        body.Split('&').FirstOrDefault(p => p.StartsWith("MaxResults=", StringComparison.Ordinal)) is { } part ? int.Parse(part["MaxResults=".Length..]) : int.MaxValue;

    /// <summary>Instances in several reservations, as a fleet launched over time is (moto pages by reservation).</summary>
    private static async Task<List<string>> LaunchReservationsAsync(IAmazonEC2 ec2, int reservations, int each)
    {
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] });
        var imageId = images.Images.OrderBy(i => i.ImageId, StringComparer.Ordinal).First().ImageId;
        var ids = new List<string>();
        for (var i = 0; i < reservations; i++)
        {
            var launched = await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = imageId, InstanceType = InstanceType.T3Micro, MinCount = each, MaxCount = each });
            ids.AddRange(launched.Reservation.Instances.Select(x => x.InstanceId));
        }
        return ids;
    }
}
