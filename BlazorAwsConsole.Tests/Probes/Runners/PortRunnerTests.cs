using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Runners;

public sealed class PortRunnerTests(LoopbackTargetsFixture fixture) : IClassFixture<LoopbackTargetsFixture>
{
    private readonly PortRunner _runner = new(TimeProvider.System);
    private LoopbackTargets Targets => fixture.Targets;

    private Task<ProbeOutcome> Run(int port, string target = "127.0.0.1", string? send = null, string? expect = null, bool tls = false, double timeoutSeconds = 5) =>
        _runner.RunAsync(new ProbeSpec
        {
            Type = ProbeType.Port, Target = target, Port = port, SendText = send, ExpectText = expect, UseTls = tls,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        }, default);

    [Fact]
    public async Task An_open_port_is_open_with_its_connect_time()
    {
        var outcome = await Run(Targets.OpenPort);

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Port!.State.Should().Be(PortState.Open);
        outcome.Port.ConnectMs.Should().BeGreaterThan(0);
        outcome.ResponseTimeMs.Should().Be(outcome.Port.ConnectMs);
        outcome.Reason.Should().StartWith($"port {Targets.OpenPort} open, connect ");
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_closed()
    {
        var outcome = await Run(Targets.ClosedPort);

        outcome.Success.Should().BeFalse();
        outcome.Port!.State.Should().Be(PortState.Closed);
        outcome.Reason.Should().Be($"port {Targets.ClosedPort} closed: connection refused");
        outcome.ResponseTimeMs.Should().BeNull();
    }

    [Fact]
    public async Task A_host_name_is_resolved()
    {
        var outcome = await Run(Targets.OpenPort, target: "localhost");

        outcome.Success.Should().BeTrue(outcome.Reason);
    }

    [Fact]
    public async Task The_banner_is_read_and_matched()
    {
        var outcome = await Run(Targets.BannerPort, expect: "SSH-2.0");

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Port!.Banner.Should().Be(LoopbackTargets.Banner);
    }

    [Fact]
    public async Task A_banner_without_the_expected_text_fails_and_shows_what_came()
    {
        var outcome = await Run(Targets.BannerPort, expect: "SMTP", timeoutSeconds: 1);

        outcome.Success.Should().BeFalse();
        outcome.Port!.State.Should().Be(PortState.Open);
        outcome.Reason.Should().Be($"port {Targets.BannerPort} open, but \"SMTP\" did not arrive within 1 s (got \"{LoopbackTargets.Banner}\")");
    }

    [Fact]
    public async Task Sent_text_with_escapes_comes_back_from_the_echo_service()
    {
        var outcome = await Run(Targets.EchoPort, send: @"PING probe\r\n", expect: "PING probe");

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Port!.Banner.Should().Be("PING probe");
    }

    [Fact]
    public async Task A_service_that_closes_without_the_expected_text_fails()
    {
        var outcome = await Run(Targets.OpenPort, expect: "hello", timeoutSeconds: 0.5);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Contain("\"hello\" did not arrive");
    }

    [Fact]
    public async Task Tls_is_spoken_on_the_https_port_whatever_its_certificate()
    {
        var outcome = await Run(Targets.HttpsPort, tls: true);

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Port!.TlsMs.Should().BeGreaterThan(0);
        outcome.Reason.Should().Contain("TLS");
    }

    [Fact]
    public async Task Tls_on_a_port_that_does_not_speak_it_fails()
    {
        var outcome = await Run(Targets.BannerPort, tls: true, timeoutSeconds: 2);

        outcome.Success.Should().BeFalse();
        outcome.Port!.State.Should().Be(PortState.Open);
        outcome.Reason.Should().StartWith($"port {Targets.BannerPort} open, but TLS handshake failed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public async Task A_port_out_of_range_is_named(int port)
    {
        var outcome = await Run(port);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("port must be between 1 and 65535");
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:169.254.169.254")]
    public async Task The_metadata_service_is_refused_at_run_time_without_a_connection(string target)
    {
        var outcome = await Run(80, target: target);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it");
        outcome.Port.Should().BeNull();
    }

    [Fact]
    public void Escapes_in_the_send_text_stand_for_their_characters() =>
        PortRunner.Unescape(@"a\r\nb\tc\\n").Should().Be("a\r\nb\tc\\n");
}
