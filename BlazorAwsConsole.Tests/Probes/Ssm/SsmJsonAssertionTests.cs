using System.Text.Json;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Json;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>
/// JSON assertions of a test run from an instance: the http script returns the body's first bytes and
/// the console checks them, on output captured from the real curl and on the generated script run here.
/// </summary>
public sealed class SsmJsonAssertionTests(LoopbackTargetsFixture fixture) : IClassFixture<LoopbackTargetsFixture>
{
    private static JsonAssertion A(string path, string op, object? value = null) =>
        new() { Path = path, Op = op, Value = value is null ? null : JsonSerializer.SerializeToElement(value) };

    private static ProbeSpec Spec(string url, params JsonAssertion[] assertions) =>
        new() { Type = ProbeType.Http, Target = url, Timeout = TimeSpan.FromSeconds(3), JsonAssertions = assertions };

    [Fact]
    public void Captured_json_body_passes_assertions_that_hold()
    {
        var outcome = Captured.Parse("http-json-body.txt",
            Spec("http://127.0.0.1:18080/json", A("$.checks[0].ok", "==", true), A("$.version", "matches", @"^2\."), A("$.checks", "exists")));

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.FailedAssertion.Should().BeNull();
    }

    [Fact]
    public void Captured_json_body_fails_an_assertion_naming_path_expected_and_actual()
    {
        var outcome = Captured.Parse("http-json-body.txt", Spec("http://127.0.0.1:18080/json", A("$.status", "==", "ok")));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("HTTP 200 but JSON $.status: expected == \"ok\", got \"degraded\"");
        outcome.Http!.FailedAssertion.Should().Be("json");
    }

    [Fact]
    public void The_script_is_asked_for_the_body_only_when_something_checks_it()
    {
        SsmProbeScripts.Build(Spec("http://10.0.0.5/health")).Text.Should().Contain("BAC_WANT_BODY='0'");
        SsmProbeScripts.Build(Spec("http://10.0.0.5/health", A("$.status", "exists"))).Text.Should().Contain("BAC_WANT_BODY='1'");
    }

    [Fact]
    public async Task The_generated_script_run_here_returns_a_body_the_assertions_check()
    {
        var url = fixture.Targets.HttpUrl("/text?body=" + Uri.EscapeDataString("""{"queue":{"depth":12}}"""));

        var passed = SsmOutputParsers.Parse(Spec(url, A("$.queue.depth", "<", 100)), await LocalBash.RunAsync(SsmProbeScripts.Build(Spec(url, A("$.queue.depth", "<", 100)))), DateTimeOffset.UtcNow, 0);
        var failed = SsmOutputParsers.Parse(Spec(url, A("$.queue.depth", "<", 10)), await LocalBash.RunAsync(SsmProbeScripts.Build(Spec(url, A("$.queue.depth", "<", 10)))), DateTimeOffset.UtcNow, 0);

        passed.Success.Should().BeTrue(passed.Reason);
        failed.Success.Should().BeFalse();
        failed.Reason.Should().Be("HTTP 200 but JSON $.queue.depth: expected < 10, got 12");
    }
}
