using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// One two-node cluster (two console processes on one PostgreSQL, nginx in front) shared by the scenarios that
/// leave it running as it was: both nodes list the same fleet, a sign-in through nginx is valid on both nodes, an
/// instance stopped through node A shows stopped in a browser on node B without a reload, and a firing alert with
/// a webhook channel is delivered once although both nodes evaluate and deliver. Each scenario has its own
/// instances. Its own moto and PostgreSQL; the two-node classes run one after another, beside the other collections.
/// </summary>
[Collection(TwoNodeCollection.Name)]
public sealed class TwoNodeSharedClusterTests(TwoNodeSharedClusterTests.Fixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<TwoNodeSharedClusterTests.Fixture>, IClassFixture<BrowserFixture>
{
    /// <summary>The nodes' alert loops in this cluster (settings of the fixture): evaluations every 2 s, due deliveries looked for every 1 s.</summary>
    private const int EvaluateSeconds = 2;
    private const int DeliveryPollSeconds = 1;

    private TwoNodeCluster Cluster => fixture.Cluster;

    [Fact]
    public Task Both_nodes_and_nginx_list_the_fleet_moto_holds() => Cluster.RunAsync(output, async () =>
    {
        var clients = new Dictionary<string, HttpClient>
        {
            ["node-a"] = Cluster.ClientOf(Cluster.NodeA),
            ["node-b"] = Cluster.ClientOf(Cluster.NodeB),
            ["nginx"] = Cluster.Http,
        };
        var watch = Stopwatch.StartNew();
        foreach (var (name, client) in clients)
        {
            List<string> listed = [];
            await Poll.UntilAsync(async () =>
            {
                listed = await InstanceIdsAsync(client);
                return listed.Count == fixture.Launched.Count;
            }, TimeSpan.FromSeconds(90), () => $"{name} lists [{string.Join(", ", listed)}], moto holds [{string.Join(", ", fixture.Launched)}]");
            listed.Should().BeEquivalentTo(fixture.Launched, $"{name} lists what moto holds");
            output.WriteLine($"{name} lists the {listed.Count} instances {watch.Elapsed.TotalSeconds:0.0} s into the test");
        }

        // Both nodes see the cluster the same way: two nodes, each checking in.
        foreach (var (name, client) in clients)
        {
            var body = await client.GetFromJsonAsync<JsonElement>("/api/cluster");
            body.GetProperty("provider").GetString().Should().Be("Postgres");
            body.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()).Should().BeEquivalentTo(["node-a", "node-b"], name);
        }
    });

    [Fact]
    public Task A_sign_in_through_nginx_is_valid_on_both_nodes_directly() => Cluster.RunAsync(output, async () =>
    {
        var password = $"Pw-{Guid.NewGuid():n}";
        var created = await Cluster.Http.PostAsJsonAsync("/api/access/users", new { name = "noc", password, role = ConsoleRoles.Viewer });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        // The browser's way in: the sign-in form (antiforgery token and all) through nginx.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = Cluster.Nginx.BaseAddress };
        var signIn = await SignedInClient.SignInAsync(browser, "noc", password);
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signIn.Headers.Location!.ToString().Should().NotContain("error=");
        var cookieHeader = cookies.GetCookieHeader(Cluster.Nginx.BaseAddress);
        cookieHeader.Should().NotBeNullOrEmpty();
        output.WriteLine($"signed in through nginx; cookies: {string.Join(", ", cookies.GetCookies(Cluster.Nginx.BaseAddress).Select(c => c.Name))}");

        foreach (var node in new[] { Cluster.NodeA, Cluster.NodeB })
        {
            // The cookie given by nginx's node, sent by hand to this node's own port (no cookie jar to blur which).
            using var direct = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = node.BaseAddress };
            (await direct.GetAsync("/api/instances")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{node.Name} without the cookie");

            using var api = new HttpRequestMessage(HttpMethod.Get, "/api/instances");
            api.Headers.Add("Cookie", cookieHeader);
            var answer = await direct.SendAsync(api);
            answer.StatusCode.Should().Be(HttpStatusCode.OK, $"{node.Name} accepts the cookie another node may have issued: {await answer.Content.ReadAsStringAsync()}");

            using var page = new HttpRequestMessage(HttpMethod.Get, "/settings/cluster");
            page.Headers.Add("Cookie", cookieHeader);
            var rendered = await direct.SendAsync(page);
            rendered.StatusCode.Should().Be(HttpStatusCode.OK, $"{node.Name} renders a signed-in page (not a redirect to {rendered.Headers.Location})");
            System.Text.RegularExpressions.Regex.IsMatch(await rendered.Content.ReadAsStringAsync(), "data-testid=\"signed-in-user\"[^>]*>\\s*noc\\b")
                .Should().BeTrue($"{node.Name} shows who is signed in");
            output.WriteLine($"{node.Name}: cookie accepted directly (API 200, page 200)");
        }
    });

    private static async Task<List<string>> InstanceIdsAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/instances?pageSize=1000");
        return [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()!)];
    }

    [Fact]
    public Task An_instance_stopped_through_node_A_shows_stopped_in_a_browser_on_node_B_without_a_reload() => Cluster.RunAsync(output, async () =>
    {
        var instance = fixture.LiveInstance;
        var (user, password) = await AddUserAsync(ConsoleRoles.Viewer);
        // Straight to node B's own port (not nginx, whose ip_hash may pick either node for loopback).
        var page = await browser.OpenAsync(Cluster.NodeB.BaseAddress, "/fleet", user, password);
        try
        {
            await Expect(page.GetByTestId($"state-{instance}")).ToHaveTextAsync("running", new() { Timeout = 90_000 });
            var watch = await PageWatch.StartAsync(page, $"state-{instance}", "stopped");

            var sent = DateTimeOffset.UtcNow;
            var stop = await Cluster.ClientOf(Cluster.NodeA).PostAsJsonAsync($"/api/instances/{instance}/action", new { action = "stop" });
            var answered = DateTimeOffset.UtcNow;
            stop.StatusCode.Should().Be(HttpStatusCode.OK, await stop.Content.ReadAsStringAsync());
            // Generous for a loaded shared machine (the issue's goal is 1 s; the figure is printed, not asserted).
            var shown = await watch.WaitShownAsync(TimeSpan.FromSeconds(20));
            output.WriteLine($"stop through node A answered in {(answered - sent).TotalMilliseconds:0} ms; node B's open Fleet page showed " +
                $"stopped {(shown - answered).TotalMilliseconds:0} ms after that ({(shown - sent).TotalMilliseconds:0} ms after the request), without a reload");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    });

    [Fact]
    public Task A_firing_alert_with_a_webhook_channel_is_delivered_exactly_once_with_two_nodes_running() => Cluster.RunAsync(output, async () =>
    {
        await using var receiver = await HookReceiver.StartAsync();
        var nodeA = Cluster.ClientOf(Cluster.NodeA);
        var nodeB = Cluster.ClientOf(Cluster.NodeB);
        var channel = await CreatedIdAsync(await Cluster.Http.PostAsJsonAsync("/api/alert-channels", new { name = "two-node hook", kind = "Webhook", url = receiver.Address }));
        var rule = await CreatedIdAsync(await nodeA.PostAsJsonAsync("/api/alert-rules", new
        {
            name = "two-node stopped", condition = "instanceState", tag = $"alert={fixture.AlertTag}", state = "stopped", severity = "critical", channelIds = new[] { channel },
        }));
        // Node B hears of the rule from node A's notice; give it a moment so both engines hold it when the condition starts.
        await Poll.UntilAsync(async () => (await nodeB.GetAsync($"/api/alert-rules/{rule}")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), () => "rule not readable on node B");
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Behind the console's back: whichever node polls the region next finds it, tells the other, and both evaluate it.
        var stopped = DateTimeOffset.UtcNow;
        using (var ec2 = fixture.Ec2("us-east-1")) await Ec2Fleet.StopAsync(ec2, fixture.AlertInstance);
        await Poll.UntilAsync(() => Task.FromResult(receiver.Requests.Count >= 1), TimeSpan.FromSeconds(120), () => "no notification arrived");
        var firstAt = DateTimeOffset.UtcNow;

        // Both nodes' engines evaluate every 2 s and both delivery workers look for due rows every 1 s: 20 s more is
        // ten evaluations and twenty looks on each node, every chance to send it again.
        var settle = TimeSpan.FromSeconds(10 * EvaluateSeconds + 2 * DeliveryPollSeconds);
        await Task.Delay(settle);
        var cluster = await nodeB.GetFromJsonAsync<JsonElement>("/api/cluster");
        cluster.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()).Should().BeEquivalentTo(["node-a", "node-b"], "both nodes ran throughout");

        var posts = receiver.Requests;
        output.WriteLine($"first delivery {(firstAt - stopped).TotalSeconds:0.0} s after the instance stopped (poll, evaluation, delivery); " +
            $"{posts.Count} post(s) at the receiver {settle.TotalSeconds:0} s later");
        posts.Should().ContainSingle("the alert was delivered once although both nodes evaluate and deliver");
        var body = JsonDocument.Parse(posts[0].Text).RootElement;
        body.GetProperty("status").GetString().Should().Be("firing");
        body.GetProperty("ruleName").GetString().Should().Be("two-node stopped");

        var alerts = await nodeA.GetFromJsonAsync<JsonElement>($"/api/alerts?ruleId={rule}&status=all");
        alerts.GetProperty("total").GetInt32().Should().Be(1, "one alert for the rule and the instance");
        var deliveries = await nodeB.GetFromJsonAsync<JsonElement>($"/api/alert-channels/{channel}/deliveries");
        var rows = deliveries.GetProperty("items").EnumerateArray().ToList();
        rows.Should().ContainSingle("one delivery row for the one alert");
        rows[0].GetProperty("status").GetString().Should().Be("Sent");
        rows[0].GetProperty("attempts").GetInt32().Should().Be(1);
    });

    private async Task<(string User, string Password)> AddUserAsync(string role)
    {
        var user = $"{role.ToLowerInvariant()}-{Guid.NewGuid():n}"[..20];
        var password = $"Pw-{Guid.NewGuid():n}";
        var created = await Cluster.Http.PostAsJsonAsync("/api/access/users", new { name = user, password, role });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (user, password);
    }

    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>
    /// Moto with a few instances in two regions (one for the live browser, one tagged for the alert rule), a private
    /// PostgreSQL, and the cluster on them with fast alert loops.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly MotoFixture _moto = new();
        private readonly PostgresServer _postgres = new();

        public TwoNodeCluster Cluster { get; private set; } = null!;
        public List<string> Launched { get; } = [];
        public string LiveInstance { get; private set; } = null!;
        public string AlertInstance { get; private set; } = null!;
        public string AlertTag { get; } = Guid.NewGuid().ToString("n")[..12];

        public Amazon.EC2.IAmazonEC2 Ec2(string region) => _moto.Ec2(region);

        public async Task InitializeAsync()
        {
            await _moto.InitializeAsync();
            await _postgres.InitializeAsync();
            foreach (var (region, count) in new[] { ("us-east-1", 3), ("eu-west-1", 2) })
            {
                using var ec2 = _moto.Ec2(region);
                for (var i = 0; i < count; i++) Launched.Add(await Ec2Fleet.LaunchAsync(ec2, $"two-node-{region}-{i}"));
            }
            using (var ec2 = _moto.Ec2("us-east-1"))
            {
                LiveInstance = await Ec2Fleet.LaunchAsync(ec2, "two-node-live");
                AlertInstance = await Ec2Fleet.LaunchAsync(ec2, "two-node-alert", ("alert", AlertTag));
            }
            Launched.AddRange([LiveInstance, AlertInstance]);
            Cluster = await TwoNodeCluster.StartAsync(_moto, _postgres, null,
                $"Alerts:EvaluateSeconds={EvaluateSeconds}", $"Alerts:Delivery:PollSeconds={DeliveryPollSeconds}");
        }

        public async Task DisposeAsync()
        {
            if (Cluster is not null) await Cluster.DisposeAsync();
            await _postgres.DisposeAsync();
            await _moto.DisposeAsync();
        }
    }
}
