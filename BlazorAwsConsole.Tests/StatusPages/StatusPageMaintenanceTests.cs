using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.StatusPages;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.StatusPages;

/// <summary>Maintenance windows on the public page and its JSON: current and upcoming ones that cover the page's components, and only what is safe to show.</summary>
public sealed class StatusPageMaintenanceTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Current_and_upcoming_windows_covering_the_pages_components_are_listed_with_names_and_times_only()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000");
        var ec2 = moto.Ec2("us-east-1");
        var web = await Ec2Fleet.LaunchManyAsync(ec2, 2, "web", ("svc", "web"));
        await Ec2Fleet.LaunchManyAsync(ec2, 1, "api", ("svc", "api"));
        await console.SyncAsync();
        (await console.Http.PostAsJsonAsync("/api/status-pages", new
        {
            slug = "acme", title = "Acme", published = true,
            components = new object[] { new { name = "Website", instanceTag = "svc=web" }, new { name = "Public API", instanceTag = "svc=api" } },
        })).EnsureSuccessStatusCode();

        var now = DateTimeOffset.UtcNow;
        async Task WindowAsync(string name, DateTimeOffset starts, DateTimeOffset ends, string tag) =>
            (await console.Http.PostAsJsonAsync("/api/maintenance-windows", new { name, startsAt = starts, endsAt = ends, instanceTag = tag })).EnsureSuccessStatusCode();
        await WindowAsync("Web patching", now.AddMinutes(-5), now.AddHours(1), "svc=web");
        await WindowAsync("Database upgrade", now.AddDays(2), now.AddDays(2).AddHours(2), "svc=web");
        await WindowAsync("Far away", now.AddDays(30), now.AddDays(30).AddHours(1), "svc=web");
        await WindowAsync("Someone else's", now.AddHours(1), now.AddHours(2), "svc=billing");
        await WindowAsync("Over", now.AddHours(-3), now.AddHours(-2), "svc=web");
        // Windows have no LiveFeed event of their own; the page's cache takes them within StatusPages:CacheSeconds.
        await console.Get<StatusViewCache>().InvalidateAsync();

        var json = await console.Anonymous.GetFromJsonAsync<JsonElement>("/status/acme/api");
        var listed = json.GetProperty("maintenance").EnumerateArray().ToList();
        listed.Select(m => m.GetProperty("title").GetString()).Should().Equal("Web patching", "Database upgrade");
        listed.Select(m => m.GetProperty("inProgress").GetBoolean()).Should().Equal(true, false);
        listed.Should().OnlyContain(m => m.GetProperty("components").EnumerateArray().Select(c => c.GetString()).SequenceEqual(new[] { "Website" }));
        listed[1].GetProperty("startsAt").GetDateTime().Should().BeCloseTo(now.AddDays(2).UtcDateTime, TimeSpan.FromSeconds(1));
        listed[0].EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("title", "startsAt", "endsAt", "inProgress", "components");

        var html = await console.Anonymous.GetStringAsync("/status/acme");
        html.Should().Contain("Scheduled maintenance").And.Contain("Web patching").And.Contain("In progress").And.Contain("Database upgrade")
            .And.NotContain("Far away").And.NotContain("Someone else").And.NotContain("svc=web");
        foreach (var id in web) html.Should().NotContain(id);
    }
}
