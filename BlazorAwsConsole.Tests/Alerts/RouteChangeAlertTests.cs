using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Alerts;

/// <summary>
/// A traceroute test over a real multi-hop path in network namespaces: the engine flags the run
/// whose route differs from the previous one, the route-change rule fires on it, and resolves
/// when the next run takes the same route again.
/// </summary>
public sealed class RouteChangeAlertTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private NetworkNamespaces _net = null!;
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _net = await NetworkNamespaces.CreateAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=1");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _net.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<int> CreateAsync(string path, object body)
    {
        var response = await _console.Http.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private async Task<JsonElement> RunAsync(int testId)
    {
        var response = await _console.Http.PostAsync($"/api/synthetic/tests/{testId}/run", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<List<Alert>> AlertsAsync(int ruleId)
    {
        await _console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.Alerts.AsNoTracking().Where(a => a.RuleId == ruleId).ToListAsync();
    }

    private static List<string?> Hops(JsonElement result) =>
        result.GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("address").GetString()).ToList();

    [Fact]
    public async Task A_changed_route_is_flagged_by_the_engine_and_raises_the_route_change_alert_until_the_route_settles()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "far host path", type = "traceroute", target = _net.FarAddress, maxHops = 5, probesPerHop = 1, hopTimeoutMs = 500, timeoutSeconds = 10, enabled = false });
        var rule = await CreateAsync("/api/alert-rules", new { name = "path moved", condition = "routeChanged", testId = test });

        var first = await RunAsync(test);
        first.GetProperty("reached").GetBoolean().Should().BeTrue(first.GetProperty("reason").GetString());
        Hops(first).Should().Equal(_net.RouterAddress, _net.FarAddress);
        first.GetProperty("routeChanged").GetBoolean().Should().BeFalse("there is no earlier run to differ from");

        await _net.UseSecondRouterAsync();
        var moved = await RunAsync(test);
        Hops(moved).Should().Equal(_net.SecondRouterAddress, _net.FarAddress);
        moved.GetProperty("routeChanged").GetBoolean().Should().BeTrue();
        (await AlertsAsync(rule)).Should().ContainSingle(a => a.Status == AlertStatus.Firing && a.Summary.Contains(_net.SecondRouterAddress));

        var again = await RunAsync(test);
        again.GetProperty("routeChanged").GetBoolean().Should().BeFalse("the same route as the run before");
        (await AlertsAsync(rule)).Single().Status.Should().Be(AlertStatus.Resolved);

        var routes = await _console.Get<ProbeQueries>().RoutesAsync(test, TimeSpan.FromHours(1), CancellationToken.None);
        routes.Select(r => r.Route[0]).Should().Equal(_net.RouterAddress, _net.SecondRouterAddress);
        routes[1].Runs.Should().Be(2);
    }

    [Fact]
    public async Task An_address_nobody_holds_inside_the_namespaces_gives_a_failed_ping_with_full_loss()
    {
        var test = await CreateAsync("/api/synthetic/tests", new { name = "nobody home", type = "ping", target = _net.UnreachableAddress, count = 3, intervalMs = 100, timeoutSeconds = 3, enabled = false });
        var result = await RunAsync(test);
        result.GetProperty("success").GetBoolean().Should().BeFalse();
        result.GetProperty("lossPercent").GetDouble().Should().Be(100);
        result.GetProperty("packetsReceived").GetInt32().Should().Be(0);
        result.GetProperty("reason").GetString().Should().Contain("100%");
    }
}
