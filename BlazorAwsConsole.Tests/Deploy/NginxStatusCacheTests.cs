using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Deploy;

/// <summary>
/// deploy/nginx.conf's status cache, Debian's nginx in front of a real console: a published page's crowd reaches the
/// console about once a second, a change still shows within about 2 s, a private page is never kept for anyone else, and an
/// unpublished page stops being served.
/// </summary>
public sealed class NginxStatusCacheTests(MotoFixture moto, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    /// <summary>Counts the requests for /status/… that reach the console (not those nginx answers itself).</summary>
    private sealed class StatusRequests : IStartupFilter
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextStep) =>
            {
                if (context.Request.Path.StartsWithSegments("/status")) Interlocked.Increment(ref _count);
                return nextStep(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task A_published_page_is_served_from_nginx_a_change_shows_within_about_two_seconds_and_a_private_page_is_never_kept()
    {
        var reaching = new StatusRequests();
        await using var console = await ConsoleHost.StartAsync(moto, builder => builder.Services.AddSingleton<IStartupFilter>(reaching),
            "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000");
        await using var nginx = await NginxProxy.StartAsync([console.BaseAddress]);
        var shop = await CreatePageAsync(console, "shop", published: true);
        await CreatePageAsync(console, "internal", published: false);
        using var visitor = new HttpClient { BaseAddress = nginx.BaseAddress };
        async Task<(HttpStatusCode Status, string Cache, string Body)> VisitAsync(string path)
        {
            using var answer = await visitor.GetAsync(path);
            return (answer.StatusCode, answer.Headers.TryGetValues("X-Cache-Status", out var cache) ? cache.Single() : "", await answer.Content.ReadAsStringAsync());
        }

        // A crowd: 300 visits of the page and its JSON over about three seconds.
        (await VisitAsync("/status/shop")).Status.Should().Be(HttpStatusCode.OK, nginx.Diagnostics);
        var before = reaching.Count;
        var clock = Stopwatch.StartNew();
        var answers = new List<string>();
        for (var visit = 0; visit < 150; visit++)
        {
            foreach (var path in new[] { "/status/shop", "/status/shop/api" })
            {
                var (status, cache, _) = await VisitAsync(path);
                status.Should().Be(HttpStatusCode.OK);
                answers.Add(cache);
            }
            await Task.Delay(20);
        }
        var reached = reaching.Count - before;
        output.WriteLine($"{answers.Count} visits in {clock.Elapsed.TotalSeconds:0.0} s: {reached} reached the console; nginx: " +
            string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Key} {g.Count()}")));
        answers.Should().Contain("HIT");
        // Two answers (HTML, JSON), each fetched about once a second, plus their first fetch.
        reached.Should().BeLessThanOrEqualTo(2 * ((int)clock.Elapsed.TotalSeconds + 2), "nginx answers the crowd from its cache");

        // A change: an incident opened in the console shows through the cache within about 2 s. nginx's cache clock counts
        // whole seconds, so "max-age=1" keeps an answer 1 to 2 s; the first visit after that gets the kept one while it
        // fetches the next (the crowd never waits), the visit after it the new one: 2 s and a visit at worst (bounded at 3 s for a loaded machine).
        const double Bound = 3;
        var changed = Stopwatch.StartNew();
        (await console.Http.PostAsJsonAsync($"/api/status-pages/{shop}/incidents", new { title = "Checkout is slow", impact = "major", message = "Looking." }))
            .EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () => (await VisitAsync("/status/shop/api")).Body.Contains("Checkout is slow"), TimeSpan.FromSeconds(10),
            () => "nginx still serves the page without the incident", everyMs: 50);
        output.WriteLine($"the incident showed through nginx after {changed.Elapsed.TotalMilliseconds:0} ms");
        changed.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(Bound));

        // A private page: its signed-in reader gets it, nobody else, however often it was read.
        using var signedIn = new HttpClient { BaseAddress = nginx.BaseAddress };
        signedIn.DefaultRequestHeaders.Authorization = console.Http.DefaultRequestHeaders.Authorization;
        for (var read = 0; read < 3; read++)
        {
            using var mine = await signedIn.GetAsync("/status/internal/api");
            mine.StatusCode.Should().Be(HttpStatusCode.OK);
            (await mine.Content.ReadAsStringAsync()).Should().Contain("internal page");
        }
        var anonymous = await VisitAsync("/status/internal/api");
        anonymous.Status.Should().Be(HttpStatusCode.NotFound);
        anonymous.Body.Should().NotContain("internal page");

        // Unpublished: the crowd stops getting it as soon (the kept copy is replaced by "not found", not served on).
        changed.Restart();
        (await console.Http.PutAsJsonAsync($"/api/status-pages/{shop}", new { published = false })).EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () => (await VisitAsync("/status/shop/api")).Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(10),
            () => "nginx still serves the unpublished page", everyMs: 50);
        changed.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(Bound));
        for (var visit = 0; visit < 5; visit++) (await VisitAsync("/status/shop/api")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    private static async Task<int> CreatePageAsync(ConsoleHost console, string slug, bool published)
    {
        var created = await console.Http.PostAsJsonAsync("/api/status-pages", new
        {
            slug, title = $"The {slug} page", published, components = new[] { new { name = "Checkout", instanceTag = "app=shop" } },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}
