using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.StatusPages;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.StatusPages;

/// <summary>Status pages through the API and the public endpoints, on a real console, real moto instances and real probe runs.</summary>
public sealed class StatusPagesApiTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private LoopbackTargets _targets = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _targets = await LoopbackTargets.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=1000000");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _targets.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<int> CreateAsync(string path, object body, HttpClient? client = null)
    {
        var response = await (client ?? _console.Http).PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private async Task RunAsync(int testId) => (await _console.Http.PostAsync($"/api/synthetic/tests/{testId}/run", null)).EnsureSuccessStatusCode();

    private async Task<JsonElement> PublicJsonAsync(string slug)
    {
        var response = await _console.Anonymous.GetAsync($"/status/{slug}/api");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string StateOf(JsonElement page, string component) =>
        page.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == component).GetProperty("state").GetString()!;

    /// <summary>Polls the anonymous JSON until the component has the state; returns how long it took.</summary>
    private async Task<TimeSpan> UntilStateAsync(string slug, string component, string state)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        await Poll.UntilAsync(async () => (last = StateOf(await PublicJsonAsync(slug), component)) == state, TimeSpan.FromSeconds(10),
            () => $"{component} is {last}, not {state}", everyMs: 50);
        return clock.Elapsed;
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_nothing_is_stored()
    {
        async Task<JsonElement> RefusedAsync(object body)
        {
            var response = await _console.Http.PostAsJsonAsync("/api/status-pages", body);
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }
        (await RefusedAsync(new { slug = "Not A Slug!", title = "x" })).GetProperty("slug")[0].GetString().Should().Contain("lower-case");
        (await RefusedAsync(new { slug = "ok", title = "" })).TryGetProperty("title", out _).Should().BeTrue();
        (await RefusedAsync(new { slug = "ok", title = "x", components = new[] { new { name = "API", testIds = new[] { 999 } } } }))
            .GetProperty("components[0].testIds")[0].GetString().Should().Contain("999");
        (await RefusedAsync(new { slug = "ok", title = "x", components = new[] { new { name = "Web", instanceTag = "no-equals" } } }))
            .TryGetProperty("components[0].instanceTag", out _).Should().BeTrue();
        (await RefusedAsync(new { slug = "ok", title = "x", logoUrl = "javascript:alert(1)" })).TryGetProperty("logoUrl", out _).Should().BeTrue();

        await CreateAsync("/api/status-pages", new { slug = "public", title = "Public" });
        (await RefusedAsync(new { slug = "public", title = "Again" })).GetProperty("slug")[0].GetString().Should().Contain("already");

        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.StatusPages.CountAsync()).Should().Be(1, "only the valid page was stored");
        (await db.AuditEntries.CountAsync(e => e.Action == "status-page.create" && e.Result.StartsWith("refused"))).Should().Be(6);
    }

    [Fact]
    public async Task An_operator_edits_but_only_an_admin_publishes_and_a_private_page_refuses_anonymous_visitors()
    {
        var operatorClient = await _console.ClientAsync(ConsoleRoles.Operator);
        var test = await CreateAsync("/api/synthetic/tests", new { name = "shop check", type = "http", target = _targets.HttpUrl("/"), enabled = false });
        (await operatorClient.PostAsJsonAsync("/api/status-pages", new { slug = "shop", title = "Shop", published = true })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var page = await CreateAsync("/api/status-pages", new { slug = "shop", title = "Shop", components = new[] { new { name = "Public API", testIds = new[] { test } } } }, operatorClient);

        foreach (var path in new[] { "/status/shop", "/status/shop/api", "/status/shop/feed.atom", "/status/shop/badge/public-api.svg" })
        {
            var anonymous = await _console.Anonymous.GetAsync(path);
            anonymous.StatusCode.Should().Be(HttpStatusCode.NotFound, $"{path} of a private page is not for anonymous visitors");
            (await _console.Http.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.OK, $"a signed-in user sees {path}");
        }
        (await _console.Http.GetStringAsync("/status/shop")).Should().Contain("Private: only signed-in users");

        (await operatorClient.PutAsJsonAsync($"/api/status-pages/{page}", new { published = true })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await operatorClient.PutAsJsonAsync($"/api/status-pages/{page}", new { title = "Shop status" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _console.Http.PutAsJsonAsync($"/api/status-pages/{page}", new { published = true })).StatusCode.Should().Be(HttpStatusCode.OK);

        var html = await _console.Anonymous.GetAsync("/status/shop");
        html.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var text = await html.Content.ReadAsStringAsync();
        text.Should().Contain("<h1>Shop status</h1>").And.Contain("Public API").And.NotContain("Private:");
        var badge = await _console.Anonymous.GetAsync("/status/shop/badge/public-api.svg");
        badge.Content.Headers.ContentType!.MediaType.Should().Be("image/svg+xml");
        (await badge.Content.ReadAsStringAsync()).Should().Contain("Public API: Operational");
        (await _console.Anonymous.GetAsync("/status/shop/badge/nothing.svg")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await operatorClient.DeleteAsync($"/api/status-pages/{page}")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "a published page is deleted by an Admin");
    }

    [Fact]
    public async Task Component_states_follow_real_test_results_instance_states_maintenance_and_a_manual_state()
    {
        var ec2 = _moto.Ec2("us-east-1");
        var web = await Ec2Fleet.LaunchManyAsync(ec2, 2, "web", ("svc", "web"));
        await _console.SyncAsync();
        var test = await CreateAsync("/api/synthetic/tests", new { name = "api health", type = "http", target = _targets.HttpUrl("/"), enabled = false });
        await RunAsync(test);
        var page = await CreateAsync("/api/status-pages", new
        {
            slug = "acme", title = "Acme", published = true,
            components = new object[] { new { name = "Website", group = "Frontend", instanceTag = "svc=web" }, new { name = "Public API", group = "Backend", testIds = new[] { test } } },
        });
        var json = await PublicJsonAsync("acme");
        StateOf(json, "Website").Should().Be("operational");
        StateOf(json, "Public API").Should().Be("operational");

        // One of two instances stopped: a partial outage, seen by anonymous visitors within 2 s of the poll.
        await Ec2Fleet.StopAsync(ec2, web[0]);
        await _console.SyncAsync();
        (await UntilStateAsync("acme", "Website", "partial_outage")).Should().BeLessThan(TimeSpan.FromSeconds(2));
        await Ec2Fleet.StopAsync(ec2, web[1]);
        await _console.SyncAsync();
        await UntilStateAsync("acme", "Website", "major_outage");

        // The test fails for real: the API is down.
        (await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{test}", new { target = _targets.HttpUrl("/status/500") })).EnsureSuccessStatusCode();
        await RunAsync(test);
        (await UntilStateAsync("acme", "Public API", "major_outage")).Should().BeLessThan(TimeSpan.FromSeconds(2));

        // Planned work on the web servers: under maintenance (an active window matching their tag).
        var now = DateTimeOffset.UtcNow;
        await CreateAsync("/api/maintenance-windows", new { name = "web patching", startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), instanceTag = "svc=web" });
        (await UntilStateAsync("acme", "Website", "maintenance")).Should().BeLessThan(TimeSpan.FromSeconds(2));

        // Set by hand for two hours: the page says so.
        var components = (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{page}")).GetProperty("components");
        var api = components.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Public API").GetProperty("id").GetInt32();
        (await _console.Http.PutAsJsonAsync($"/api/status-pages/{page}/components/{api}/manual-state", new { state = "degraded", minutes = 120, note = "investigating" }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        StateOf(await PublicJsonAsync("acme"), "Public API").Should().Be("degraded");
        var html = await _console.Anonymous.GetStringAsync("/status/acme");
        html.Should().Contain("Set by hand until").And.Contain("investigating");
        (await _console.Http.PutAsJsonAsync($"/api/status-pages/{page}/components/{api}/manual-state", new { state = "sideways", minutes = 0 }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_test_run_from_two_locations_shows_by_its_verdict_not_by_whichever_location_ran_last()
    {
        await CreateAsync("/api/probe-locations", new { name = "vpc-a" });
        var test = await CreateAsync("/api/synthetic/tests", new
        {
            name = "checkout", type = "http", target = _targets.HttpUrl("/"), enabled = false, locations = new[] { "console", "vpc-a" }, failWhen = "any",
        });
        await CreateAsync("/api/status-pages", new { slug = "shop", title = "Shop", published = true, components = new object[] { new { name = "Checkout", testIds = new[] { test } } } });

        // vpc-a's agent reports a failure; then the console's own run succeeds, and is the newest result.
        var failed = DateTime.UtcNow;
        var stored = new TaskCompletionSource<BlazorAwsConsole.Probes.ProbeResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _console.Get<BlazorAwsConsole.Probes.ProbeResultWriter>().WriteAsync(new BlazorAwsConsole.Probes.ProbeResult
        {
            TestId = test, Type = BlazorAwsConsole.Probes.ProbeType.Http, Success = false, Reason = "timeout", ScheduledAt = failed, StartedAt = failed,
            DurationMs = 5000, Source = "agent-1", Location = "vpc-a",
        }, stored, CancellationToken.None);
        (await stored.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().NotBeNull();
        await RunAsync(test);

        await UntilStateAsync("shop", "Checkout", "major_outage");
        (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{test}")).GetProperty("statusReason").GetString()
            .Should().Be("down from 1 of 2 locations: vpc-a timeout; console ok");
    }

    [Fact]
    public async Task An_incident_lives_through_the_api_and_the_public_page_shows_it_safely_without_sign_in()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "checkout", type = "http", target = _targets.HttpUrl("/"), enabled = false });
        var page = await CreateAsync("/api/status-pages", new { slug = "store", title = "Store", published = true, components = new[] { new { name = "Checkout", testIds = new[] { test } } } });
        var component = (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{page}")).GetProperty("components")[0].GetProperty("id").GetInt32();

        var bad = await _console.Http.PostAsJsonAsync($"/api/status-pages/{page}/incidents", new { title = "x", impact = "huge", message = "m", componentIds = new[] { 12345 } });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("impact", out _).Should().BeTrue();
        errors.TryGetProperty("componentIds", out _).Should().BeTrue();

        var incident = await CreateAsync($"/api/status-pages/{page}/incidents", new
        {
            title = "Checkout errors", impact = "major", status = "investigating", componentIds = new[] { component },
            message = "Payments **fail** for some. <script>alert('x')</script> [more](javascript:alert(1))",
        });
        var html = await _console.Anonymous.GetStringAsync("/status/store");
        html.Should().Contain("Checkout errors").And.Contain("<strong>fail</strong>").And.Contain("affects: Checkout");
        html.Should().NotContain("<script>alert").And.NotContain("javascript:");
        (await PublicJsonAsync("store")).GetProperty("incidents")[0].GetProperty("status").GetString().Should().Be("investigating");

        foreach (var status in new[] { "identified", "monitoring", "resolved" })
        {
            var response = await _console.Http.PostAsJsonAsync($"/api/status-pages/{page}/incidents/{incident}/updates", new { status, message = $"Now {status}." });
            response.StatusCode.Should().Be(HttpStatusCode.Created);
        }
        (await _console.Http.PostAsJsonAsync($"/api/status-pages/{page}/incidents/{incident}/updates", new { status = "done", message = "" }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var json = await PublicJsonAsync("store");
        json.GetProperty("incidents").GetArrayLength().Should().Be(0, "a resolved incident is no longer current");
        var past = json.GetProperty("recentIncidents")[0];
        past.GetProperty("status").GetString().Should().Be("resolved");
        past.GetProperty("updates").GetArrayLength().Should().Be(4);
        var atom = await _console.Anonymous.GetAsync("/status/store/feed.atom");
        atom.Content.Headers.ContentType!.MediaType.Should().Be("application/atom+xml");
        var feed = System.Xml.Linq.XDocument.Parse(await atom.Content.ReadAsStringAsync());
        feed.Root!.Elements().Where(e => e.Name.LocalName == "entry").Should().ContainSingle().Which.ToString().Should().Contain("Checkout errors (resolved)");

        var detail = (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/status-pages/{page}/incidents")).GetProperty("items")[0];
        detail.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("status").GetString())
            .Should().Equal("resolved", "monitoring", "identified", "investigating");
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.AuditEntries.CountAsync(e => e.Action == "incident.update" && e.Result.StartsWith("ok"))).Should().Be(3);
    }

    [Fact]
    public async Task Nothing_internal_leaks_to_the_public_html_json_feed_or_badges()
    {
        var ec2 = _moto.Ec2("us-east-1");
        await Ec2Fleet.LaunchManyAsync(ec2, 2, "db-primary", ("tier", "db"));
        await _console.SyncAsync();
        var test = await CreateAsync("/api/synthetic/tests", new { name = "internal-login-probe", type = "http", target = _targets.HttpUrl("/"), enabled = false });
        await RunAsync(test);
        await using (var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            var instanceIds = await db.Instances.Select(i => i.InstanceId).ToListAsync();
            await CreateAsync("/api/status-pages", new
            {
                slug = "leak", title = "Leak check", published = true,
                components = new object[] { new { name = "Database", instanceIds }, new { name = "Login", testIds = new[] { test } } },
            });
            var incidentPage = (await db.StatusPages.SingleAsync()).Id;
            await CreateAsync($"/api/status-pages/{incidentPage}/incidents", new { title = "Slow logins", impact = "minor", message = "Looking into it." });
        }

        var published = string.Join("\n", await Task.WhenAll(new[] { "/status/leak", "/status/leak/api", "/status/leak/feed.atom", "/status/leak/badge/database.svg", "/status/leak/badge/login.svg" }
            .Select(path => _console.Anonymous.GetStringAsync(path))));
        await using var check = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var secrets = new List<string>();
        foreach (var instance in await check.Instances.AsNoTracking().ToListAsync())
        {
            secrets.AddRange(new[] { instance.InstanceId, instance.PrivateIp, instance.PublicIp, instance.PrivateDns, instance.PublicDns, instance.SubnetId, instance.VpcId, instance.ImageId }
                .Where(s => !string.IsNullOrEmpty(s)).OfType<string>());
        }
        foreach (var t in await check.SyntheticTests.AsNoTracking().ToListAsync())
        {
            secrets.Add(t.Target);
            secrets.Add(t.Name);
            secrets.Add(new Uri(t.Target).Authority);
        }
        secrets.Should().HaveCountGreaterThan(10);
        foreach (var secret in secrets.Distinct()) published.Should().NotContain(secret, "the public page shows only what was put on it");
        published.Should().Contain("Database").And.Contain("Login").And.Contain("Slow logins");
    }

    [Fact]
    public async Task Many_anonymous_requests_read_the_database_once_per_change_and_a_change_shows_at_once()
    {
        var page = await CreateAsync("/api/status-pages", new { slug = "busy", title = "Busy", published = true,
            components = new[] { new { name = "Edge", instanceTag = "svc=edge" } } });
        var builder = _console.Get<StatusViewBuilder>();
        string[] paths = ["/status/busy", "/status/busy/api", "/status/busy/feed.atom", "/status/busy/badge/edge.svg"];

        async Task HammerAsync(int requests)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests)
                {
                    using var response = await _console.Anonymous.GetAsync(paths[i % paths.Length]);
                    response.StatusCode.Should().Be(HttpStatusCode.OK);
                }
            }));
        }

        await _console.Get<StatusViewCache>().InvalidateAsync();
        var before = builder.Builds;
        await HammerAsync(10_000);
        (builder.Builds - before).Should().BeLessThanOrEqualTo(1, "10,000 anonymous requests between two changes read the database once");

        var clock = Stopwatch.StartNew();
        await CreateAsync($"/api/status-pages/{page}/incidents", new { title = "Edge trouble", impact = "minor", message = "Some requests time out." });
        (await _console.Anonymous.GetStringAsync("/status/busy")).Should().Contain("Edge trouble");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        var afterChange = builder.Builds;
        await HammerAsync(4_000);
        (builder.Builds - afterChange).Should().BeLessThanOrEqualTo(1, "the change was read once, then served from the cache");
    }

    [Fact]
    public async Task When_results_change_visitors_get_the_answer_they_had_at_once_and_the_new_one_within_2_s()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "checkout", type = "http", target = _targets.HttpUrl("/"), enabled = false });
        await RunAsync(test);
        await CreateAsync("/api/status-pages", new { slug = "swr", title = "Swr", published = true, components = new[] { new { name = "Checkout", testIds = new[] { test } } } });
        StateOf(await PublicJsonAsync("swr"), "Checkout").Should().Be("operational");

        // The test fails for real; once the results' change reaches the cache (at most a second), the kept answer is out of date.
        (await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{test}", new { target = _targets.HttpUrl("/status/500") })).EnsureSuccessStatusCode();
        var views = _console.Get<StatusViewCache>();
        var changes = views.Generation;
        var clock = Stopwatch.StartNew();
        await RunAsync(test);
        await Poll.UntilAsync(() => views.Generation > changes && views.PageGeneration < views.Generation, TimeSpan.FromSeconds(5), () => "the results' change never reached the cache");

        // The first visitor after it is not made to wait for the rebuild: it gets the answer there was, and starts the next.
        StateOf(await PublicJsonAsync("swr"), "Checkout").Should().Be("operational", "the answer kept before the change is served while the new one is built");
        await UntilStateAsync("swr", "Checkout", "major_outage");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "a change reaches the public page within 2 s");
    }

    [Fact]
    public async Task A_kept_answer_is_sent_in_the_encoding_the_visitor_accepts()
    {
        await CreateAsync("/api/status-pages", new { slug = "zip", title = "Zip", published = true, components = new[] { new { name = "Edge", instanceTag = "svc=edge" } } });
        using var raw = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = _console.Anonymous.BaseAddress };
        var plain = await raw.GetByteArrayAsync("/status/zip/api");

        foreach (var (accept, expected) in new[] { ("br", "br"), ("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("identity", null), ("", null) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/status/zip/api");
            if (accept != "") request.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
            using var response = await raw.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Content.Headers.ContentEncoding.SingleOrDefault().Should().Be(expected, $"Accept-Encoding: {accept}");
            response.Headers.Vary.Should().Contain("Accept-Encoding");
            var body = await response.Content.ReadAsByteArrayAsync();
            using var decoded = new MemoryStream();
            await using (Stream source = expected switch
            {
                "br" => new System.IO.Compression.BrotliStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress),
                "gzip" => new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress),
                _ => new MemoryStream(body),
            })
            {
                await source.CopyToAsync(decoded);
            }
            decoded.ToArray().Should().Equal(plain, $"the same answer for Accept-Encoding: {accept}");
        }
    }

    [Fact]
    public async Task The_public_pages_have_their_own_rate_limit()
    {
        await using var limited = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=5");
        (await limited.Http.PostAsJsonAsync("/api/status-pages", new { slug = "tiny", title = "Tiny", published = true })).EnsureSuccessStatusCode();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++) codes.Add((await limited.Anonymous.GetAsync("/status/tiny")).StatusCode);
        codes.Take(5).Should().OnlyContain(c => c == HttpStatusCode.OK);
        codes.Last().Should().Be(HttpStatusCode.TooManyRequests);
        (await limited.Http.GetAsync("/api/status-pages")).StatusCode.Should().Be(HttpStatusCode.OK, "the console's own API keeps its own limit");
    }
}
