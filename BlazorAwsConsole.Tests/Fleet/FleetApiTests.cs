using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Fleet;

/// <summary>Three instances in two regions, one stopped, synced once; the tests only read.</summary>
public sealed class SmallFleet : IAsyncLifetime
{
    public MotoFixture Moto { get; } = new();
    public ConsoleHost Console { get; private set; } = null!;
    public string ProdWeb { get; private set; } = "";
    public string StagingApi { get; private set; } = "";
    public string StoppedDb { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Moto.InitializeAsync();
        ProdWeb = await Ec2Fleet.LaunchAsync(Moto.Ec2("us-east-1"), "web-prod-1", ("env", "prod"), ("team", "edge"));
        StagingApi = await Ec2Fleet.LaunchAsync(Moto.Ec2("eu-west-1"), "api-staging-1", ("env", "staging"));
        StoppedDb = await Ec2Fleet.LaunchAsync(Moto.Ec2("eu-west-1"), "db-prod-1", ("env", "prod"));
        await Ec2Fleet.StopAsync(Moto.Ec2("eu-west-1"), StoppedDb);
        Console = await ConsoleHost.StartAsync(Moto);
        await Console.SyncAsync();
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await Moto.DisposeAsync();
    }
}

public sealed class FleetApiTests(SmallFleet fleet) : IClassFixture<SmallFleet>
{
    private readonly ConsoleHost _console = fleet.Console;
    private readonly string _prodWeb = fleet.ProdWeb, _stagingApi = fleet.StagingApi, _stoppedDb = fleet.StoppedDb;

    private async Task<List<string>> Ids(string query)
    {
        var list = await _console.Http.GetFromJsonAsync<JsonElement>("/api/instances" + query);
        return list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()!).ToList();
    }

    [Fact]
    public async Task Instances_filter_by_region_state_tag_and_free_text()
    {
        (await Ids("?region=eu-west-1")).Should().BeEquivalentTo([_stagingApi, _stoppedDb]);
        (await Ids("?state=stopped")).Should().Equal(_stoppedDb);
        (await Ids("?tag=env:prod")).Should().BeEquivalentTo([_prodWeb, _stoppedDb]);
        (await Ids("?tag=team:")).Should().Equal(_prodWeb);
        (await Ids("?q=API-STAGING")).Should().Equal(_stagingApi);
        (await Ids($"?q={_prodWeb[..10]}")).Should().Contain(_prodWeb);
        (await Ids("?q=edge")).Should().Equal(_prodWeb);
        (await Ids("?region=eu-west-1&tag=env:prod&state=stopped")).Should().Equal(_stoppedDb);
    }

    [Fact]
    public async Task Free_text_matches_ip_addresses()
    {
        var detail = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/instances/{_stagingApi}");
        var ip = detail.GetProperty("instance").GetProperty("privateIp").GetString()!;

        (await Ids($"?q={ip}")).Should().Equal(_stagingApi);
    }

    [Fact]
    public async Task Lists_are_paged_with_a_total()
    {
        var first = await _console.Http.GetFromJsonAsync<JsonElement>("/api/instances?pageSize=2&page=1");
        var second = await _console.Http.GetFromJsonAsync<JsonElement>("/api/instances?pageSize=2&page=2");

        first.GetProperty("total").GetInt32().Should().Be(3);
        first.GetProperty("items").GetArrayLength().Should().Be(2);
        second.GetProperty("items").GetArrayLength().Should().Be(1);
        second.GetProperty("page").GetInt32().Should().Be(2);
    }

    [Theory]
    [InlineData("/api/instances?region=mars-north-1", "region")]
    [InlineData("/api/instances?state=sleeping", "state")]
    [InlineData("/api/instances?tag=novalue", "tag")]
    [InlineData("/api/instances?page=0", "page")]
    [InlineData("/api/instances?pageSize=100000", "pageSize")]
    [InlineData("/api/changes?instanceId=bogus", "instanceId")]
    [InlineData("/api/changes?from=2026-02-01&to=2026-01-01", "from")]
    public async Task Bad_query_parameters_are_a_400_naming_the_parameter(string url, string field)
    {
        var response = await _console.Http.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(field, out var messages).Should().BeTrue();
        messages[0].GetString().Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("/api/instances?page=abc")]
    [InlineData("/api/changes?from=yesterday")]
    public async Task Unparseable_query_values_are_a_400_not_a_500(string url)
    {
        var response = await _console.Http.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_unknown_region_message_lists_the_watched_regions()
    {
        var regions = await _console.Http.GetFromJsonAsync<JsonElement>("/api/regions");
        regions.GetProperty("total").GetInt32().Should().Be(4);
        regions.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("code").GetString())
            .Should().BeEquivalentTo(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]);

        var response = await _console.Http.GetAsync("/api/instances?region=xx-none-1");
        (await response.Content.ReadAsStringAsync()).Should().Contain("us-east-1");
    }

    [Fact]
    public async Task Changes_filter_by_instance_and_time()
    {
        var all = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/changes?instanceId={_prodWeb}");
        var future = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/changes?from={DateTime.UtcNow.AddHours(1):O}");

        all.GetProperty("items").EnumerateArray().Should().OnlyContain(c => c.GetProperty("instanceId").GetString() == _prodWeb);
        all.GetProperty("total").GetInt32().Should().Be(1);
        future.GetProperty("total").GetInt32().Should().Be(0);
    }
}
