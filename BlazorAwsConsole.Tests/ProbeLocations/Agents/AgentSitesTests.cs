using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>
/// Two real agents in two locations, each in its own network namespace (<see cref="AgentNamespaces"/>), and a private
/// HTTP service that only site a reaches: the same test run from both is judged by its failWhen rule — "any" is down,
/// "all" and "at least 2" are up — with each location's own result beside the verdict, and an alert rule on the
/// verdict fires once, for the one test whose verdict is down.
/// </summary>
public sealed class AgentSitesTests : IAsyncLifetime
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(60);
    private readonly MotoFixture _moto = new();
    private AgentNamespaces _sites = null!;
    private ConsoleHost _console = null!;
    private readonly List<AgentProcess> _agents = [];

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _sites = await AgentNamespaces.CreateAsync();
        // Loopback for the test's own client, and the root side of each site's link for that site's agent.
        var port = MotoFixture.FreePort();
        _console = await ConsoleHost.StartAsync(_moto,
            $"urls=http://127.0.0.1:{port};http://{_sites.ConsoleAddressForA}:{port};http://{_sites.ConsoleAddressForB}:{port}");
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
        await _console.DisposeAsync();
        await _sites.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<int> CreateAsync(string path, object body)
    {
        var created = await _console.Http.PostAsJsonAsync(path, body);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    /// <summary>The site's agent, dialling the console over the site's own link (plain http off loopback: --allow-http).</summary>
    private async Task<AgentProcess> AgentAtAsync(string site, string consoleAddress, string location)
    {
        var locationId = await CreateAsync("/api/probe-locations", new { name = location });
        var token = (await (await _console.Http.PostAsJsonAsync($"/api/probe-locations/{locationId}/tokens", new { name = site }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var agent = AgentProcess.Start(token, start => AgentNamespaces.Inside(site, start), "--server", $"http://{consoleAddress}:{_console.BaseAddress.Port}/",
            "--location", location, "--name", $"agent-{location}", "--allow-http");
        _agents.Add(agent);
        return agent;
    }

    private Task<JsonElement> TestAsync(int id) => _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}");

    private static Dictionary<string, string?> ByLocation(JsonElement test) => test.GetProperty("locationStatus").EnumerateArray()
        .ToDictionary(l => l.GetProperty("location").GetString()!, l => l.GetProperty("status").GetString());

    [Fact]
    public async Task A_service_only_one_site_reaches_is_down_for_any_and_up_for_all_and_at_least_two_and_the_verdicts_alert_fires_once()
    {
        var agentA = await AgentAtAsync(_sites.SiteA, _sites.ConsoleAddressForA, "site-a");
        var agentB = await AgentAtAsync(_sites.SiteB, _sites.ConsoleAddressForB, "site-b");
        var tests = new Dictionary<string, int>();
        foreach (var (name, failWhen) in new (string, object)[] { ("any", "any"), ("all", "all"), ("at least 2", new { atLeast = 2 }) })
        {
            tests[name] = await CreateAsync("/api/synthetic/tests", new
            {
                name = $"private service ({name})", type = "http", target = _sites.ServiceUrl, frequencySeconds = ProbeOptions.MinFrequencySeconds,
                timeoutSeconds = 3, locations = new[] { "site-a", "site-b" }, failWhen, tags = new Dictionary<string, string> { ["svc"] = "private" },
            });
        }
        var rule = await CreateAsync("/api/alert-rules", new { name = "private service down", condition = "testFailures", tag = "svc=private", consecutiveFailures = 1 });

        // Each test has run from both sites: site a reached the service, site b did not.
        foreach (var id in tests.Values)
        {
            await Poll.UntilAsync(async () => ByLocation(await TestAsync(id)) is var seen && seen["site-a"] == "up" && seen["site-b"] == "down", Connect,
                () => $"test {id} never had site-a up and site-b down\n{agentA.Output}\n{agentB.Output}");
        }

        var any = await TestAsync(tests["any"]);
        any.GetProperty("status").GetString().Should().Be("down");
        any.GetProperty("statusReason").GetString().Should().StartWith("down from 1 of 2 locations: site-b ").And.EndWith("; site-a ok");
        var reasonB = any.GetProperty("locationStatus").EnumerateArray().Single(l => l.GetProperty("location").GetString() == "site-b")
            .GetProperty("reason").GetString();
        reasonB.Should().NotBeNullOrWhiteSpace("site b's own failure is shown beside the verdict");
        foreach (var name in new[] { "all", "at least 2" })
        {
            var judged = await TestAsync(tests[name]);
            judged.GetProperty("status").GetString().Should().Be("up", $"failWhen {name}: one site of two failing is not the test failing");
            judged.GetProperty("statusReason").GetString().Should().Contain("1 of 2 locations not up");
        }

        // The rule covers all three tests; only the "any" one is down by its verdict, and it is one alert however often it runs.
        await Poll.UntilAsync(async () => (await OpenAlertsAsync(rule)).Length == 1, TimeSpan.FromSeconds(30), () => "the verdict's alert never opened");
        var firstRunsB = (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={tests["any"]}&location=site-b"))
            .GetProperty("total").GetInt32();
        await Poll.UntilAsync(async () => (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={tests["any"]}&location=site-b"))
            .GetProperty("total").GetInt32() >= firstRunsB + 2, Connect, () => "site b never ran the test twice more");
        var alerts = await OpenAlertsAsync(rule);
        alerts.Should().ContainSingle("the same down verdict, run after run, is one alert");
        alerts[0].GetProperty("subjectKey").GetString().Should().Be($"test:{tests["any"]}");

        // The service's real answers came from site a only: site b's results are failures, never a status code.
        var fromB = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={tests["all"]}&location=site-b");
        fromB.GetProperty("items").EnumerateArray().Should().OnlyContain(r => r.GetProperty("status").GetString() == "down");
        var fromA = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={tests["all"]}&location=site-a");
        fromA.GetProperty("items").EnumerateArray().Should().Contain(r => r.GetProperty("statusCode").GetInt32() == 200);

        // /metrics says the same per location.
        var metrics = PrometheusText.Parse(await _console.Http.GetStringAsync("/metrics"));
        var anyId = tests["any"].ToString();
        metrics.Find("console_probe_status", ("test_id", anyId), ("location", "site-a"), ("status", "up")).Should().ContainSingle().Which.Value.Should().Be(1);
        metrics.Find("console_probe_status", ("test_id", anyId), ("location", "site-b"), ("status", "down")).Should().ContainSingle().Which.Value.Should().Be(1);
        metrics.Find("console_probe_results_total", ("test_id", anyId), ("location", "site-b"), ("outcome", "failure")).Sum(s => s.Value).Should().BeGreaterThan(0);
    }

    private async Task<JsonElement[]> OpenAlertsAsync(int rule) =>
        [.. (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/alerts?ruleId={rule}")).GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("status").GetString() != "resolved")];
}
