using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>One console (tests not run on schedule) and the loopback targets, shared by the API tests.</summary>
public sealed class ProbeConsole : IAsyncLifetime
{
    public MotoFixture Moto { get; } = new();
    public LoopbackTargets Targets { get; private set; } = null!;
    public ConsoleHost Console { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Moto.InitializeAsync();
        Targets = await LoopbackTargets.StartAsync();
        Console = await ConsoleHost.StartAsync(Moto, "Probes:RunOnSchedule=false");
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await Targets.DisposeAsync();
        await Moto.DisposeAsync();
    }
}

public sealed class SyntheticTestsApiTests(ProbeConsole probes) : IClassFixture<ProbeConsole>
{
    private readonly ConsoleHost _console = probes.Console;
    private readonly LoopbackTargets _targets = probes.Targets;

    private async Task<JsonElement> CreateAsync(object test)
    {
        var response = await _console.Http.PostAsJsonAsync("/api/synthetic/tests", test);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task A_test_is_created_read_listed_edited_and_deleted_with_the_documented_json_names()
    {
        var created = await CreateAsync(new { name = "api crud", type = "port", target = "127.0.0.1", port = _targets.OpenPort, frequencySeconds = 30, timeoutSeconds = 5, tags = new { team = "noc" } });
        var id = created.GetProperty("id").GetInt32();
        created.GetProperty("type").GetString().Should().Be("port");
        created.GetProperty("port").GetInt32().Should().Be(_targets.OpenPort);
        created.GetProperty("frequencySeconds").GetInt32().Should().Be(30);
        created.GetProperty("timeoutSeconds").GetInt32().Should().Be(5);
        created.GetProperty("enabled").GetBoolean().Should().BeTrue();
        created.TryGetProperty("sourceInstanceId", out _).Should().BeFalse("a test run by the console itself has no source instance");
        created.TryGetProperty("method", out _).Should().BeFalse("only the parameters of the test's type are shown");
        created.GetProperty("tls").GetBoolean().Should().BeFalse();

        var list = await _console.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests");
        list.GetProperty("total").GetInt32().Should().Be(list.GetProperty("items").GetArrayLength());
        list.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).Should().Contain(id);

        var edit = await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}", new { name = "api crud renamed", enabled = false, expect = "SSH-" });
        edit.StatusCode.Should().Be(HttpStatusCode.OK);
        var read = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}");
        read.GetProperty("name").GetString().Should().Be("api crud renamed");
        read.GetProperty("enabled").GetBoolean().Should().BeFalse();
        read.GetProperty("expect").GetString().Should().Be("SSH-");
        read.GetProperty("port").GetInt32().Should().Be(_targets.OpenPort, "fields left out of an edit keep their values");

        (await _console.Http.DeleteAsync($"/api/synthetic/tests/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _console.Http.GetAsync($"/api/synthetic/tests/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _console.Http.DeleteAsync($"/api/synthetic/tests/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_fields_are_refused_each_on_its_own_name_and_nothing_is_saved()
    {
        var before = (await _console.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests")).GetProperty("total").GetInt32();
        var errors = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "", type = "http", target = "not a url", frequencySeconds = 5, timeoutSeconds = 0, expectedStatus = "200-1000", bodyRegex = "([", method = "BREW" }));
        errors.GetProperty("name").ToString().Should().Contain("required");
        errors.GetProperty("target").ToString().Should().Contain("http://");
        errors.GetProperty("frequencySeconds").ToString().Should().Contain("10 seconds");
        errors.GetProperty("timeoutSeconds").ToString().Should().Contain("between 1 and 120");
        errors.GetProperty("expectedStatus").ToString().Should().Contain("1000");
        errors.GetProperty("bodyRegex").ToString().Should().Contain("regular expression");
        errors.GetProperty("method").ToString().Should().Contain("GET");

        var port = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "p", type = "port", target = "127.0.0.1", port = 70000 }));
        port.GetProperty("port").ToString().Should().Contain("65535");
        var type = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "t", type = "smoke", target = "127.0.0.1" }));
        type.GetProperty("type").ToString().Should().Contain("ping, traceroute, port, http");
        var source = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "s", type = "ping", target = "127.0.0.1", sourceInstanceId = "i-0123456789abcdef0" }));
        source.GetProperty("sourceInstanceId").ToString().Should().Contain("not in the fleet");
        var host = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "h", type = "ping", target = "http://example.com/" }));
        host.GetProperty("target").ToString().Should().Contain("HTTP test");

        var malformed = await _console.Http.PostAsync("/api/synthetic/tests", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await _console.Http.GetFromJsonAsync<JsonElement>("/api/synthetic/tests")).GetProperty("total").GetInt32().Should().Be(before);
    }

    [Fact]
    public async Task Link_local_targets_are_refused_when_saved_with_the_reason_on_the_field()
    {
        var http = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "metadata", type = "http", target = "http://169.254.169.254/latest/meta-data/" }));
        http.GetProperty("target").ToString().Should().Contain("169.254.169.254").And.Contain("LinkLocalAllowList");
        var port = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name = "v6", type = "port", target = "fe80::1", port = 22 }));
        port.GetProperty("target").ToString().Should().Contain("link-local");
    }

    [Fact]
    public async Task Run_now_returns_the_stored_http_result_with_status_and_phase_timings()
    {
        var test = await CreateAsync(new { name = "run now", type = "http", target = _targets.HttpUrl("/status/200"), frequencySeconds = 60, expectedStatus = "200" });
        var id = test.GetProperty("id").GetInt32();

        var response = await _console.Http.PostAsync($"/api/synthetic/tests/{id}/run", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("testId").GetInt32().Should().Be(id);
        result.GetProperty("success").GetBoolean().Should().BeTrue(result.GetProperty("reason").GetString());
        result.GetProperty("statusCode").GetInt32().Should().Be(200);
        result.GetProperty("source").GetString().Should().Be("console");
        result.GetProperty("durationMs").GetDouble().Should().BePositive();
        foreach (var phase in new[] { "connectMs", "firstByteMs", "totalMs" })
        {
            result.GetProperty(phase).GetDouble().Should().BeGreaterThanOrEqualTo(0, phase);
        }
        result.GetProperty("startedAt").GetDateTime().Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));

        var stored = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={id}");
        stored.GetProperty("total").GetInt32().Should().Be(1);
        stored.GetProperty("items")[0].GetProperty("id").GetInt64().Should().Be(result.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Results_filter_by_test_outcome_and_time_and_page()
    {
        var good = (await CreateAsync(new { name = "filter good", type = "http", target = _targets.HttpUrl("/status/204") })).GetProperty("id").GetInt32();
        var bad = (await CreateAsync(new { name = "filter bad", type = "http", target = _targets.HttpUrl("/status/503") })).GetProperty("id").GetInt32();
        for (var i = 0; i < 3; i++)
        {
            (await _console.Http.PostAsync($"/api/synthetic/tests/{good}/run", null)).EnsureSuccessStatusCode();
            var failed = await (await _console.Http.PostAsync($"/api/synthetic/tests/{bad}/run", null)).Content.ReadFromJsonAsync<JsonElement>();
            failed.GetProperty("success").GetBoolean().Should().BeFalse();
            failed.GetProperty("reason").GetString().Should().Contain("503");
            failed.GetProperty("failedAssertion").GetString().Should().Be("status");
        }

        var failures = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={bad}&success=false");
        failures.GetProperty("total").GetInt32().Should().Be(3);
        (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={bad}&success=true")).GetProperty("total").GetInt32().Should().Be(0);
        var page = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={good}&page=2&pageSize=2");
        page.GetProperty("items").GetArrayLength().Should().Be(1);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={good}&from={future}")).GetProperty("total").GetInt32().Should().Be(0);

        var errors = await ProblemOf(await _console.Http.GetAsync("/api/synthetic/results?page=0"));
        errors.GetProperty("page").ToString().Should().Contain("1 or more");
        (await _console.Http.GetAsync("/api/synthetic/results?from=yesterday")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Viewers_read_tests_and_results_but_only_operators_change_or_run_them()
    {
        var viewer = await _console.ClientAsync(ConsoleRoles.Viewer);
        var operatorClient = await _console.ClientAsync(ConsoleRoles.Operator);
        (await viewer.GetAsync("/api/synthetic/tests")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.GetAsync("/api/synthetic/results")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsJsonAsync("/api/synthetic/tests", new { name = "v", type = "ping", target = "127.0.0.1" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var created = await operatorClient.PostAsJsonAsync("/api/synthetic/tests", new { name = "by operator", type = "ping", target = "127.0.0.1" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        (await viewer.PostAsync($"/api/synthetic/tests/{id}/run", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.DeleteAsync($"/api/synthetic/tests/{id}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _console.Anonymous.GetAsync("/api/synthetic/tests")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_test_run_from_an_instance_sends_the_command_through_ssm_and_records_the_result_under_that_instance()
    {
        var instance = await Ec2Fleet.LaunchAsync(probes.Moto.Ec2("us-east-1"), "probe-source");
        await _console.SyncAsync();
        var test = await CreateAsync(new { name = "from the vpc", type = "port", target = "10.0.0.12", port = 5432, sourceInstanceId = instance, enabled = false });
        test.GetProperty("sourceInstanceId").GetString().Should().Be(instance);
        test.GetProperty("sourceRegion").GetString().Should().Be("us-east-1");

        var response = await _console.Http.PostAsync($"/api/synthetic/tests/{test.GetProperty("id").GetInt32()}/run", null);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("source").GetString().Should().Be(instance);
        // moto runs no command: it reports success with empty output, which is never called a pass.
        result.GetProperty("success").GetBoolean().Should().BeFalse();
        result.GetProperty("reason").GetString().Should().Contain("no output");

        using var ssm = new Amazon.SimpleSystemsManagement.AmazonSimpleSystemsManagementClient(new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            new Amazon.SimpleSystemsManagement.AmazonSimpleSystemsManagementConfig { ServiceURL = probes.Moto.Endpoint, AuthenticationRegion = "us-east-1" });
        var commands = await ssm.ListCommandsAsync(new() { });
        commands.Commands.Should().Contain(c => c.DocumentName == "AWS-RunShellScript" && c.InstanceIds.Contains(instance)
            && string.Join("\n", c.Parameters["commands"]).Contains("'10.0.0.12'"));
    }
}
