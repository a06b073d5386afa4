using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Fleet;

/// <summary>Changes made behind the console's back, directly in EC2, land in the change log.</summary>
public class ChangeDetectionTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    [Fact]
    public async Task A_tag_changed_outside_the_console_is_logged_with_old_and_new_value()
    {
        var ec2 = moto.Ec2("us-east-1");
        var id = await Ec2Fleet.LaunchAsync(ec2, "tagged", ("env", "staging"));
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        await console.SyncAsync();

        await Ec2Fleet.TagAsync(ec2, id, "env", "prod");
        await Ec2Fleet.TagAsync(ec2, id, "owner", "alice");
        var report = await console.SyncAsync();

        report.ChangesRecorded.Should().Be(2);
        var changes = await ChangesOf(console, id);
        changes.Should().ContainSingle(c => c.Field == "tag:env" && c.OldValue == "staging" && c.NewValue == "prod" && c.ChangedBy == null);
        changes.Should().ContainSingle(c => c.Field == "tag:owner" && c.OldValue == null && c.NewValue == "alice");
        console.Get<FleetSnapshot>().Find(id)!.Tags["env"].Should().Be("prod");
    }

    [Fact]
    public async Task A_stop_outside_the_console_is_logged_as_a_state_transition_by_the_poll()
    {
        var ec2 = moto.Ec2("us-west-2");
        var id = await Ec2Fleet.LaunchAsync(ec2, "stopped-behind-our-back");
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        await console.SyncAsync();
        var before = console.Get<FleetSnapshot>().Find(id)!.StateChangedAt;

        await Ec2Fleet.StopAsync(ec2, id);
        await console.SyncAsync();

        var change = (await ChangesOf(console, id)).Single(c => c.Kind == ChangeKind.State);
        change.Should().BeEquivalentTo(new { OldValue = "running", NewValue = "stopped", ChangedBy = (string?)null, Region = "us-west-2" });
        var instance = console.Get<FleetSnapshot>().Find(id)!;
        instance.State.Should().Be("stopped");
        instance.StateChangedAt.Should().BeAfter(before);
    }

    [Fact]
    public async Task An_instance_type_change_is_logged()
    {
        var ec2 = moto.Ec2("eu-west-1");
        var id = await Ec2Fleet.LaunchAsync(ec2, "resized");
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        await console.SyncAsync();

        await Ec2Fleet.StopAsync(ec2, id);
        await ec2.ModifyInstanceAttributeAsync(new Amazon.EC2.Model.ModifyInstanceAttributeRequest { InstanceId = id, InstanceType = "m5.large" });
        await console.SyncAsync();

        (await ChangesOf(console, id)).Should().ContainSingle(c =>
            c.Kind == ChangeKind.InstanceType && c.OldValue == "t3.micro" && c.NewValue == "m5.large");
    }

    [Fact]
    public async Task Instances_that_disappear_from_EC2_are_logged_and_leave_the_inventory()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("ap-southeast-2"), "vanishing");
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        await console.SyncAsync();

        await moto.ResetAsync();
        await console.SyncAsync();

        console.Get<FleetSnapshot>().Find(id).Should().BeNull();
        (await ChangesOf(console, id)).Should().ContainSingle(c => c.Kind == ChangeKind.Disappeared && c.OldValue == "running");
    }

    private static Task<List<InstanceChange>> ChangesOf(ConsoleHost console, string id) =>
        console.Get<FleetQueries>().ChangesAsync(new ChangeFilter(id), 0, 100, CancellationToken.None);
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ChangeDetectionTestsOnPostgres(MotoFixture moto, PostgresServer postgres) : ChangeDetectionTests(moto)
{
    protected override ConsoleDatabase Database => postgres;
}
