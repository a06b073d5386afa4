using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Fleet;

public class InventoryTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    [Fact]
    public async Task A_sync_stores_the_instances_of_every_watched_region_with_their_metadata_and_tags()
    {
        var east = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "web-east", ("env", "prod"), ("team", "payments"));
        var ireland = await Ec2Fleet.LaunchAsync(moto.Ec2("eu-west-1"), "api-ireland", ("env", "staging"));
        var sydney = await Ec2Fleet.LaunchAsync(moto.Ec2("ap-southeast-2"), "db-sydney");
        await using var console = await ConsoleHost.StartAsync(moto, Database);

        var report = await console.SyncAsync();

        report.Regions.Should().OnlyContain(r => r.Error == null);
        var list = await console.Http.GetFromJsonAsync<JsonElement>("/api/instances?pageSize=100");
        list.GetProperty("total").GetInt32().Should().BeGreaterThanOrEqualTo(3);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("instanceId").GetString()).Should().Contain([east, ireland, sydney]);

        var web = items.Single(i => i.GetProperty("instanceId").GetString() == east);
        web.GetProperty("name").GetString().Should().Be("web-east");
        web.GetProperty("region").GetString().Should().Be("us-east-1");
        web.GetProperty("state").GetString().Should().Be("running");
        web.GetProperty("instanceType").GetString().Should().Be("t3.micro");
        web.GetProperty("privateIp").GetString().Should().NotBeNullOrEmpty();
        web.GetProperty("launchTime").GetDateTime().Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(5));
        web.GetProperty("tags").GetProperty("team").GetString().Should().Be("payments");
        web.GetProperty("availabilityZone").GetString().Should().StartWith("us-east-1");
        items.Single(i => i.GetProperty("instanceId").GetString() == sydney)
            .GetProperty("region").GetString().Should().Be("ap-southeast-2");
    }

    [Fact]
    public async Task New_instances_are_logged_as_appeared_and_an_unchanged_fleet_writes_nothing()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("us-west-2"), "quiet-one");
        await using var console = await ConsoleHost.StartAsync(moto, Database);

        var first = await console.SyncAsync();
        var second = await console.SyncAsync();

        first.RowsWritten.Should().BeGreaterThan(0);
        second.ChangesRecorded.Should().Be(0);
        second.RowsWritten.Should().Be(0, "a poll that finds nothing new writes no instance row and no change record (only the regions' poll statuses)");
        var changes = await console.Http.GetFromJsonAsync<JsonElement>($"/api/changes?instanceId={id}");
        changes.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("kind").GetString())
            .Should().Equal("appeared");
    }

    [Fact]
    public async Task Instances_survive_a_restart_of_the_console()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "persistent");
        await using var shared = await Database.CreateAsync();

        await using (var first = await ConsoleHost.StartAsync(moto, Database, shared.Settings))
        {
            await first.SyncAsync();
        }
        await using var second = await ConsoleHost.StartAsync(moto, Database, shared.Settings);

        second.Get<FleetSnapshot>().Find(id).Should().NotBeNull("the stored fleet is shown before the first poll");
    }
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InventoryTestsOnPostgres(MotoFixture moto, PostgresServer postgres) : InventoryTests(moto)
{
    protected override ConsoleDatabase Database => postgres;
}
