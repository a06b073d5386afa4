using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.StatusPages;

/// <summary>Two consoles on one PostgreSQL database: an incident opened through node A reaches the public page node B serves (from its cache) within 2 s.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StatusPageClusterTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    // Passed in 7 of 7 runs here at 0.37-0.8 s (load average 9-12; two of them with the test pinned to one core); a
    // temporary trace showed B dropping its views and cached responses within 5 ms of receiving A's notice. The 5.3-5.6 s
    // seen once before (load average ~50) was not reproduced, and its cause is not known (see the branch's commits).
    [Fact]
    public async Task An_incident_opened_on_node_a_is_on_node_bs_cached_public_page_within_two_seconds()
    {
        await using var shared = await postgres.CreateAsync();
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=status-{Guid.NewGuid():n}", "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000",
            // Long enough that only the notice can explain a fresh page on B.
            "StatusPages:CacheSeconds=600"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        var created = await nodeA.Http.PostAsJsonAsync("/api/status-pages", new
        {
            slug = "shop", title = "Shop", published = true, components = new[] { new { name = "Checkout", instanceTag = "app=shop" } },
        });
        created.EnsureSuccessStatusCode();
        var pageId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        // A node hears notices only once its LISTEN is in place (one sent before that is lost by design and only the
        // Cluster:RefreshSeconds re-read catches it up): the bound below is about the notice path, so B must be listening.
        var listener = nodeB.Get<BlazorAwsConsole.Cluster.NoticeListener>();
        await Poll.UntilAsync(() => listener.ListeningProcessId != 0, TimeSpan.FromSeconds(30), () => "node B is not listening for notices");
        async Task<JsonElement> OnBAsync() => await nodeB.Anonymous.GetFromJsonAsync<JsonElement>("/status/shop/api");
        (await OnBAsync()).GetProperty("incidents").GetArrayLength().Should().Be(0, "node B cached the page without incidents");

        var clock = Stopwatch.StartNew();
        (await nodeA.Http.PostAsJsonAsync($"/api/status-pages/{pageId}/incidents", new { title = "Checkout is slow", impact = "major", message = "Looking." }))
            .EnsureSuccessStatusCode();
        output.WriteLine($"POST on A took {clock.Elapsed.TotalMilliseconds:0} ms");
        await Poll.UntilAsync(async () => (await OnBAsync()).GetProperty("incidents").GetArrayLength() == 1, TimeSpan.FromSeconds(10),
            () => "node B still serves the page without the incident", everyMs: 50);
        output.WriteLine($"incident on A seen on B's public page after {clock.Elapsed.TotalMilliseconds:0} ms");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));

        clock.Restart();
        (await nodeA.Http.PutAsJsonAsync($"/api/status-pages/{pageId}", new { title = "Shop (EU)" })).EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () => (await OnBAsync()).GetProperty("title").GetString() == "Shop (EU)", TimeSpan.FromSeconds(10),
            () => "node B still serves the old title", everyMs: 50);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    // While a node does not hear the others' notices (before its first LISTEN, and from a lost listening connection to the
    // next one) a change made on another node would not evict its cache: it must not serve from the cache meanwhile.
    // The database refuses new connections for the gap (ALLOW_CONNECTIONS false): the listener cannot come back, while
    // both nodes' pooled connections go on working.
    [Fact]
    public async Task While_its_listener_is_away_node_b_serves_nothing_cached_so_a_change_on_node_a_shows_at_once()
    {
        await using var shared = await postgres.CreateAsync();
        var database = new Npgsql.NpgsqlConnectionStringBuilder(shared.ConnectionString).Database!;
        string[] cluster = [.. shared.Settings, $"Quartz:SchedulerName=status-{Guid.NewGuid():n}", "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000",
            "StatusPages:CacheSeconds=600"];
        await using var nodeA = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, postgres, [.. cluster, "Cluster:NodeName=node-b"]);
        var created = await nodeA.Http.PostAsJsonAsync("/api/status-pages", new
        {
            slug = "shop", title = "Shop", published = true, components = new[] { new { name = "Checkout", instanceTag = "app=shop" } },
        });
        created.EnsureSuccessStatusCode();
        var pageId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var listener = nodeB.Get<BlazorAwsConsole.Cluster.NoticeListener>();
        var listening = nodeB.Get<BlazorAwsConsole.Cluster.NoticeListening>();
        var builds = nodeB.Get<BlazorAwsConsole.StatusPages.StatusViewBuilder>();
        await Poll.UntilAsync(() => listening.IsListening, TimeSpan.FromSeconds(30), () => "node B is not listening for notices");
        async Task<JsonElement> OnBAsync() => await nodeB.Anonymous.GetFromJsonAsync<JsonElement>("/status/shop/api");
        (await OnBAsync()).GetProperty("incidents").GetArrayLength().Should().Be(0);
        // Listening, node B serves the page from its cache: twenty visits build it at most once more (the nodes have
        // just started, and a fleet poll's change may refresh the kept answer once meanwhile), not once a visit.
        var cached = builds.Builds;
        for (var visit = 0; visit < 20; visit++) await OnBAsync();
        (builds.Builds - cached).Should().BeLessThanOrEqualTo(1, "listening, node B serves the page from its cache");

        try
        {
            await postgres.ExecuteAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
            await postgres.ExecuteAsync($"SELECT pg_terminate_backend({listener.ListeningProcessId})");
            await Poll.UntilAsync(() => !listening.IsListening, TimeSpan.FromSeconds(10), () => "node B did not notice its listening connection was ended");

            // Visitors keep coming to B meanwhile.
            (await OnBAsync()).GetProperty("incidents").GetArrayLength().Should().Be(0);
            (await OnBAsync()).GetProperty("incidents").GetArrayLength().Should().Be(0);
            // Made on A while B cannot hear it: B's 10-minute cache would hide it; B reads the database instead.
            var clock = Stopwatch.StartNew();
            (await nodeA.Http.PostAsJsonAsync($"/api/status-pages/{pageId}/incidents", new { title = "Checkout is slow", impact = "major", message = "Looking." }))
                .EnsureSuccessStatusCode();
            await Poll.UntilAsync(async () => (await OnBAsync()).GetProperty("incidents").GetArrayLength() == 1, TimeSpan.FromSeconds(10),
                () => "node B still serves its cached page without the incident", everyMs: 50);
            output.WriteLine($"incident on A seen on B, B not listening, after {clock.Elapsed.TotalMilliseconds:0} ms");
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
            listening.IsListening.Should().BeFalse("the fresh page came from reading the database, not from a reconnect's re-read");
            var uncached = builds.Builds;
            await OnBAsync();
            await OnBAsync();
            builds.Builds.Should().Be(uncached + 2, "nothing is kept while B does not listen");
        }
        finally
        {
            await postgres.ExecuteAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }

        // Listening again: the cache is used again.
        await Poll.UntilAsync(() => listening.IsListening, TimeSpan.FromSeconds(60), () => "node B did not listen again");
        await Poll.UntilAsync(async () =>
        {
            var before = builds.Builds;
            await OnBAsync();
            await OnBAsync();
            return builds.Builds - before <= 1;
        }, TimeSpan.FromSeconds(10), () => "node B does not cache again after listening again", everyMs: 100);
        (await OnBAsync()).GetProperty("incidents").GetArrayLength().Should().Be(1);
    }
}
