using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// One two-node cluster (two console processes on one PostgreSQL, nginx in front) for the scenarios that only read
/// it: both nodes list the same fleet, and a sign-in through nginx is valid on both nodes. Its own moto and
/// PostgreSQL; the two-node classes run one after another, beside the other collections.
/// </summary>
[Collection(TwoNodeCollection.Name)]
public sealed class TwoNodeFleetAndSignInTests(TwoNodeFleetAndSignInTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<TwoNodeFleetAndSignInTests.Fixture>
{
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

    /// <summary>Moto with a few instances in two regions, a private PostgreSQL, and the cluster on them.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly MotoFixture _moto = new();
        private readonly PostgresServer _postgres = new();

        public TwoNodeCluster Cluster { get; private set; } = null!;
        public List<string> Launched { get; } = [];

        public async Task InitializeAsync()
        {
            await _moto.InitializeAsync();
            await _postgres.InitializeAsync();
            foreach (var (region, count) in new[] { ("us-east-1", 3), ("eu-west-1", 2) })
            {
                using var ec2 = _moto.Ec2(region);
                for (var i = 0; i < count; i++) Launched.Add(await Ec2Fleet.LaunchAsync(ec2, $"two-node-{region}-{i}"));
            }
            Cluster = await TwoNodeCluster.StartAsync(_moto, _postgres);
        }

        public async Task DisposeAsync()
        {
            if (Cluster is not null) await Cluster.DisposeAsync();
            await _postgres.DisposeAsync();
            await _moto.DisposeAsync();
        }
    }
}
