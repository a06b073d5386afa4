using System.Net.Http.Json;
using System.Text.Json;
using System.Diagnostics;
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
        // Each window's creation dropped the page's cached view (MaintenanceWindowsChanged): no wait, no manual eviction.
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

    [Fact]
    public async Task A_window_created_or_deleted_reaches_the_cached_public_json_within_two_seconds()
    {
        // Cached for ten minutes: only the window's own event can explain a fresh page.
        await using var console = await ConsoleHost.StartAsync(moto, "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000", "StatusPages:CacheSeconds=600");
        await Ec2Fleet.LaunchManyAsync(moto.Ec2("us-east-1"), 1, "shop", ("svc", "shop"));
        await console.SyncAsync();
        (await console.Http.PostAsJsonAsync("/api/status-pages", new
        {
            slug = "shop", title = "Shop", published = true, components = new[] { new { name = "Checkout", instanceTag = "svc=shop" } },
        })).EnsureSuccessStatusCode();
        async Task<JsonElement> JsonAsync() => await console.Anonymous.GetFromJsonAsync<JsonElement>("/status/shop/api");
        static string State(JsonElement page) => page.GetProperty("components")[0].GetProperty("state").GetString()!;
        var before = await JsonAsync();
        before.GetProperty("maintenance").GetArrayLength().Should().Be(0);
        State(before).Should().Be("operational");
        (await JsonAsync()).GetProperty("updatedAt").GetString().Should().Be(before.GetProperty("updatedAt").GetString(), "the page is served from the cache");

        var now = DateTimeOffset.UtcNow;
        var created = await console.Http.PostAsJsonAsync("/api/maintenance-windows", new { name = "Checkout upgrade", startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), instanceTag = "svc=shop" });
        created.EnsureSuccessStatusCode();
        // Timed from the change (the API call done), not from the request: how long the API takes on a loaded machine is not the cache's delay.
        var clock = Stopwatch.StartNew();
        var window = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var page = before;
        await Poll.UntilAsync(async () => (page = await JsonAsync()).GetProperty("maintenance").GetArrayLength() == 1, TimeSpan.FromSeconds(10),
            () => "the new window is not on the public JSON", everyMs: 50);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        page.GetProperty("maintenance")[0].GetProperty("title").GetString().Should().Be("Checkout upgrade");
        State(page).Should().Be("maintenance");

        (await console.Http.DeleteAsync($"/api/maintenance-windows/{window}")).EnsureSuccessStatusCode();
        clock.Restart();
        await Poll.UntilAsync(async () => (page = await JsonAsync()).GetProperty("maintenance").GetArrayLength() == 0, TimeSpan.FromSeconds(10),
            () => "the deleted window is still on the public JSON", everyMs: 50);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        State(page).Should().Be("operational");
    }
}
