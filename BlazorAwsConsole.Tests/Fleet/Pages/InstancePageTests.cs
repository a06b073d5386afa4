using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Pages;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;

namespace BlazorAwsConsole.Tests.Fleet.Pages;

public sealed class InstancePageTests : ComponentContext
{
    private const string Id = "i-0000000000000abcd";

    [Fact]
    public async Task Shows_metadata_tags_and_the_change_history_newest_first()
    {
        var instance = Instance(Id, "db-primary", "eu-west-1", "running", ("env", "prod"));
        Snapshot.Load([instance]);
        await using (var db = await DatabaseAsync())
        {
            db.InstanceChanges.AddRange(
                InstanceDiff.Change(instance, ChangeKind.Appeared, "", null, "running", DateTime.UtcNow.AddHours(-2)),
                InstanceDiff.Change(instance, ChangeKind.Tag, "tag:env", "staging", "prod", DateTime.UtcNow.AddHours(-1), "alice"));
            await db.SaveChangesAsync();
        }

        var page = RenderPage<InstancePage>(p => p.Add(x => x.InstanceId, Id));

        page.WaitForAssertion(() => page.FindAll("tr.change-row").Should().HaveCount(2));
        page.Find("[data-testid=instance-title]").TextContent.Should().Be("db-primary");
        page.Find("[data-testid=instance-state]").TextContent.Trim().Should().Be("running");
        page.Find("[data-testid=instance-metadata]").TextContent.Should().Contain(Id).And.Contain("eu-west-1").And.Contain("t3.micro");
        page.Find("[data-testid=instance-tags]").TextContent.Should().Contain("env").And.Contain("prod");
        var rows = page.FindAll("tr.change-row");
        rows[0].TextContent.Should().Contain("tag:env").And.Contain("alice");
        rows[1].GetAttribute("data-kind").Should().Be("appeared");
        page.Find("[data-testid=detail-start]").HasAttribute("disabled").Should().BeTrue("a running instance cannot be started");
        page.Find("[data-testid=detail-stop]").HasAttribute("disabled").Should().BeFalse();
    }

    [Fact]
    public async Task An_instance_that_is_gone_still_shows_its_history()
    {
        var gone = Instance(Id, "old", "us-east-1");
        await using (var db = await DatabaseAsync())
        {
            db.InstanceChanges.Add(InstanceDiff.Disappeared(gone, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        var page = RenderPage<InstancePage>(p => p.Add(x => x.InstanceId, Id));

        page.WaitForAssertion(() => page.Find("[data-testid=instance-missing]").TextContent.Should().Contain(Id));
        page.FindAll("tr.change-row").Should().ContainSingle().Which.GetAttribute("data-kind").Should().Be("disappeared");
    }
}
