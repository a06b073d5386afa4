using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>HTTP jsonAssertions and degradedAboveMs through the API: saved, refused per field, and what a run of each reports.</summary>
public sealed class DegradedAndJsonAssertionsApiTests(ProbeConsole probes) : IClassFixture<ProbeConsole>
{
    private readonly ConsoleHost _console = probes.Console;
    private readonly LoopbackTargets _targets = probes.Targets;

    private string JsonUrl(string json) => _targets.HttpUrl("/text?body=" + Uri.EscapeDataString(json));

    private async Task<int> CreateAsync(object test)
    {
        var response = await _console.Http.PostAsJsonAsync("/api/synthetic/tests", test);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private async Task<JsonElement> RunAsync(int id)
    {
        var response = await _console.Http.PostAsync($"/api/synthetic/tests/{id}/run", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Json_assertions_are_saved_read_back_and_pass_on_a_matching_body()
    {
        var id = await CreateAsync(new
        {
            name = "json ok", type = "http", target = JsonUrl("""{"status":"ok","items":[{"count":4}]}"""), enabled = false,
            jsonAssertions = new object[]
            {
                new { path = "$.status", op = "==", value = "ok" },
                new { path = "$.items[0].count", op = ">=", value = 3 },
                new { path = "$[\"items\"]", op = "exists" },
            },
        });

        var read = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}");
        var saved = read.GetProperty("jsonAssertions");
        saved.GetArrayLength().Should().Be(3);
        saved[1].GetProperty("path").GetString().Should().Be("$.items[0].count");
        saved[1].GetProperty("op").GetString().Should().Be(">=");
        saved[1].GetProperty("value").GetInt32().Should().Be(3);

        var result = await RunAsync(id);
        result.GetProperty("success").GetBoolean().Should().BeTrue(result.GetProperty("reason").GetString());
        result.GetProperty("status").GetString().Should().Be("up");
    }

    [Fact]
    public async Task A_failing_json_assertion_fails_the_run_naming_path_expected_and_actual()
    {
        var id = await CreateAsync(new
        {
            name = "json bad", type = "http", target = JsonUrl("""{"status":"degraded","count":1}"""), enabled = false,
            jsonAssertions = new object[] { new { path = "$.count", op = "==", value = 1 }, new { path = "$.status", op = "==", value = "ok" } },
        });

        var result = await RunAsync(id);

        result.GetProperty("success").GetBoolean().Should().BeFalse();
        result.GetProperty("status").GetString().Should().Be("down");
        result.GetProperty("failedAssertion").GetString().Should().Be("json");
        result.GetProperty("reason").GetString().Should().Be("HTTP 200, but JSON $.status: expected == \"ok\", got \"degraded\"");
    }

    [Fact]
    public async Task Bad_json_assertions_are_refused_on_save_naming_the_assertion_and_its_part()
    {
        var response = await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new
        {
            name = "json refused", type = "http", target = _targets.HttpUrl("/"),
            jsonAssertions = new object[]
            {
                new { path = "status", op = "==", value = "ok" },
                new { path = "$.a", op = "like", value = "x" },
                new { path = "$.a", op = "<", value = "ten" },
            },
        });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("jsonAssertions[0].path")[0].GetString().Should().Contain("must start with $");
        errors.GetProperty("jsonAssertions[1].op")[0].GetString().Should().Contain("== != < <= > >= contains exists matches");
        errors.GetProperty("jsonAssertions[2].value")[0].GetString().Should().Contain("must be a number");
        var list = await _console.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests");
        list.GetProperty("items").EnumerateArray().Should().NotContain(t => t.GetProperty("name").GetString() == "json refused");
    }

    [Fact]
    public async Task A_passing_run_slower_than_degraded_above_is_degraded_and_still_a_success()
    {
        var slow = await CreateAsync(new { name = "slow one", type = "http", target = _targets.HttpUrl("/slow/400"), degradedAboveMs = 100, enabled = false });
        var fast = await CreateAsync(new { name = "fast one", type = "http", target = _targets.HttpUrl("/"), degradedAboveMs = 5000, enabled = false });
        var down = await CreateAsync(new { name = "down one", type = "http", target = _targets.HttpUrl("/status/500"), degradedAboveMs = 1, enabled = false });

        var slowResult = await RunAsync(slow);
        slowResult.GetProperty("success").GetBoolean().Should().BeTrue(slowResult.GetProperty("reason").GetString());
        slowResult.GetProperty("status").GetString().Should().Be("degraded");
        slowResult.GetProperty("reason").GetString().Should().EndWith("degraded: slower than 100 ms");
        (await RunAsync(fast)).GetProperty("status").GetString().Should().Be("up");
        var downResult = await RunAsync(down);
        downResult.GetProperty("success").GetBoolean().Should().BeFalse();
        downResult.GetProperty("status").GetString().Should().Be("down");

        var stored = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={slow}");
        stored.GetProperty("items")[0].GetProperty("status").GetString().Should().Be("degraded", "the status is stored with the result");
        async Task<List<int>> TestsWithStatus(string status) =>
            [.. (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?status={status}")).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("testId").GetInt32())];
        (await TestsWithStatus("degraded")).Should().OnlyContain(id => id == slow).And.NotBeEmpty();
        (await TestsWithStatus("down")).Should().OnlyContain(id => id == down).And.NotBeEmpty();
        (await TestsWithStatus("UP")).Should().Contain(fast).And.NotContain([slow, down]);
        var unknown = await _console.Http.GetAsync("/api/synthetic/results?status=slow");
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("status must be up, degraded or down");
        var test = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{slow}");
        test.GetProperty("degradedAboveMs").GetInt32().Should().Be(100);

        var metrics = PrometheusText.Parse(await _console.Http.GetStringAsync("/metrics"));
        double Status(int test, string status) =>
            metrics.Find("console_probe_status", ("test_id", test.ToString()), ("type", "http"), ("status", status)).Should().ContainSingle().Subject.Value;
        Status(slow, "degraded").Should().Be(1);
        Status(slow, "up").Should().Be(0);
        Status(fast, "up").Should().Be(1);
        Status(down, "down").Should().Be(1);
    }

    [Fact]
    public async Task Degraded_above_is_checked_against_the_timeout_and_zero_clears_it()
    {
        var response = await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "too slow to matter", type = "ping", target = "127.0.0.1", timeoutSeconds = 2, degradedAboveMs = 2500 });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("degradedAboveMs")[0].GetString()
            .Should().Contain("between 1 ms and the timeout (2000 ms)");

        var id = await CreateAsync(new { name = "port degraded", type = "port", target = "127.0.0.1", port = _targets.OpenPort, degradedAboveMs = 250, enabled = false });
        (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}")).GetProperty("degradedAboveMs").GetInt32().Should().Be(250);
        (await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}", new { degradedAboveMs = 0 })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}")).TryGetProperty("degradedAboveMs", out _).Should().BeFalse();
    }
}
