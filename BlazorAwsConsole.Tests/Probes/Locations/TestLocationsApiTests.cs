using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Locations;

/// <summary>
/// Tests choose their probe locations and a failWhen rule through the API of a real console (SQLite file, moto, Kestrel);
/// the console runs only the tests that run from its own location (Probes:Location), and its results say so.
/// </summary>
public sealed class TestLocationsApiTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;
    private HitCountingTarget _target = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _target = await HitCountingTarget.StartAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:Location=home NOC");
        foreach (var name in new[] { "eu-west-1 prod VPC", "ap-southeast-2" })
        {
            var added = await _console.Http.PostAsJsonAsync("/api/probe-locations", new { name });
            added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _target.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<HttpResponseMessage> CreateAsync(string name, object? locations = null, object? failWhen = null, bool? enabled = null) =>
        await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new Dictionary<string, object?>
        {
            ["name"] = name, ["type"] = "http", ["target"] = _target.Url(name), ["frequencySeconds"] = ProbeOptions.MinFrequencySeconds, ["timeoutSeconds"] = 5,
            ["locations"] = locations, ["failWhen"] = failWhen, ["enabled"] = enabled,
        }.Where(p => p.Value is not null).ToDictionary());

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task A_test_naming_no_location_runs_from_the_consoles_own_and_its_results_carry_that_location()
    {
        // Paused: its run below is the only one (a scheduled first run could overlap it and answer 409).
        var created = await CreateAsync("from the NOC", enabled: false);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var test = await JsonOf(created);
        test.GetProperty("locations").EnumerateArray().Select(l => l.GetString()).Should().Equal("home NOC");
        test.GetProperty("failWhen").GetString().Should().Be("any");
        var id = test.GetProperty("id").GetInt32();

        var run = await JsonOf(await _console.Http.PostAsync($"/api/synthetic/tests/{id}/run", null));
        run.GetProperty("location").GetString().Should().Be("home NOC");

        var here = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={id}&location=HOME noc");
        here.GetProperty("total").GetInt32().Should().BeGreaterThan(0, "the location filter ignores case, as location names do");
        var elsewhere = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={id}&location=ap-southeast-2");
        elsewhere.GetProperty("total").GetInt32().Should().Be(0);
        var csv = await _console.Http.GetStringAsync($"/api/synthetic/results?testId={id}&format=csv");
        csv.Split("\r\n")[0].Should().Contain(",location,");
        csv.Split("\r\n")[1].Should().Contain(",home NOC,");

        var shown = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}");
        shown.GetProperty("status").GetString().Should().Be("up");
        var only = shown.GetProperty("locationStatus").EnumerateArray().Should().ContainSingle().Subject;
        only.GetProperty("location").GetString().Should().Be("home NOC");
        only.GetProperty("status").GetString().Should().Be("up");
    }

    [Fact]
    public async Task The_console_runs_on_schedule_only_the_tests_that_run_from_its_location()
    {
        var mine = await JsonOf(await CreateAsync("mine and elsewhere", locations: new[] { "home noc", "EU-WEST-1 prod VPC" }, failWhen: "all"));
        mine.GetProperty("locations").EnumerateArray().Select(l => l.GetString()).Should().Equal("home NOC", "eu-west-1 prod VPC");
        mine.GetProperty("failWhen").GetString().Should().Be("all");
        var notMine = await JsonOf(await CreateAsync("only elsewhere", locations: new[] { "ap-southeast-2" }));

        await Poll.UntilAsync(() => _target.HitsOf("mine and elsewhere").Count >= 2, TimeSpan.FromSeconds(60), () => "the console never ran its own test");
        _target.HitsOf("only elsewhere").Should().BeEmpty("no member of ap-southeast-2 is connected, and the console is not one");

        var shown = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{mine.GetProperty("id").GetInt32()}");
        var rows = shown.GetProperty("locationStatus").EnumerateArray().ToDictionary(r => r.GetProperty("location").GetString()!, r => r.GetProperty("status").GetString());
        rows.Should().BeEquivalentTo(new Dictionary<string, string?> { ["home NOC"] = "up", ["eu-west-1 prod VPC"] = "unknown" });
        shown.GetProperty("status").GetString().Should().Be("up");
        var elsewhere = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{notMine.GetProperty("id").GetInt32()}");
        elsewhere.GetProperty("status").GetString().Should().Be("unknown");
    }

    [Fact]
    public async Task Unknown_locations_and_bad_failWhen_rules_are_refused_on_their_field_and_nothing_is_saved()
    {
        var unknown = await CreateAsync("nowhere", locations: new[] { "mars base" });
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonOf(unknown)).GetProperty("errors").GetProperty("locations")[0].GetString().Should().Contain("'mars base'");

        var badRule = await CreateAsync("bad rule", failWhen: "most");
        badRule.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonOf(badRule)).GetProperty("errors").GetProperty("failWhen")[0].GetString().Should().Contain("atLeast");

        var tooMany = await CreateAsync("three of two", locations: new[] { "home NOC", "ap-southeast-2" }, failWhen: new { atLeast = 3 });
        tooMany.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonOf(tooMany)).GetProperty("errors").GetProperty("failWhen")[0].GetString().Should().Contain("between 1 and the number of locations (2)");

        var list = await _console.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests");
        list.GetProperty("total").GetInt32().Should().Be(0);

        var good = await JsonOf(await CreateAsync("two of two", locations: new[] { "home NOC", "ap-southeast-2" }, failWhen: new { atLeast = 2 }));
        good.GetProperty("failWhen").GetProperty("atLeast").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task A_location_a_test_runs_from_cannot_be_renamed_or_deleted_from_under_it()
    {
        var created = await CreateAsync("pinned", locations: new[] { "ap-southeast-2" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var locations = await _console.Http.GetFromJsonAsync<JsonElement>("/api/probe-locations");
        var id = locations.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "ap-southeast-2").GetProperty("id").GetInt32();

        var rename = await _console.Http.PutAsJsonAsync($"/api/probe-locations/{id}", new { name = "sydney" });
        rename.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonOf(rename)).GetProperty("errors").GetProperty("name")[0].GetString().Should().Contain("1 test (pinned)");
        var delete = await _console.Http.DeleteAsync($"/api/probe-locations/{id}");
        delete.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await delete.Content.ReadAsStringAsync()).Should().Contain("pinned");

        // Described, not renamed: allowed.
        (await _console.Http.PutAsJsonAsync($"/api/probe-locations/{id}", new { description = "Sydney VPC" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{id}")).GetProperty("name").GetString().Should().Be("ap-southeast-2");
    }
}
