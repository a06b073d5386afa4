using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>Ping outputs captured from the real iputils ping (Captured/ping-*.txt).</summary>
public class PingOutputParserTests
{
    private static ProbeSpec Spec(string target, int seconds = 5) => new() { Type = ProbeType.Ping, Target = target, Timeout = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public void All_replies_give_every_figure_and_success()
    {
        var outcome = Captured.Parse("ping-loopback-success.txt", Spec("127.0.0.1"));

        outcome.Success.Should().BeTrue();
        outcome.Reason.Should().Be("4/4 replies, avg 0.047 ms");
        outcome.StartedAt.Should().Be(Captured.StartedAt);
        outcome.DurationMs.Should().Be(676.641, "the script's own elapsed time, not SSM's round trip");
        outcome.ResponseTimeMs.Should().Be(0.047);
        outcome.Ping.Should().BeEquivalentTo(new PingDetails { Sent = 4, Received = 4, LossPercent = 0, MinMs = 0.035, AvgMs = 0.047, MaxMs = 0.052, StdDevMs = 0.007 });
        outcome.Traceroute.Should().BeNull();
        outcome.Port.Should().BeNull();
        outcome.Http.Should().BeNull();
    }

    [Fact]
    public void Partial_loss_succeeds_and_says_how_much_was_lost()
    {
        var outcome = Captured.Parse("ping-partial-loss.txt", Spec("10.77.2.2"));

        outcome.Success.Should().BeTrue();
        outcome.Reason.Should().Be("50% packet loss (3/6 replies), avg 0.078 ms");
        outcome.ResponseTimeMs.Should().Be(0.078);
        outcome.Ping.Should().BeEquivalentTo(new PingDetails { Sent = 6, Received = 3, LossPercent = 50, MinMs = 0.053, AvgMs = 0.078, MaxMs = 0.106, StdDevMs = 0.021 });
    }

    [Fact]
    public void Total_loss_fails_without_round_trip_figures()
    {
        var outcome = Captured.Parse("ping-blackholed-total-loss.txt", Spec("10.77.8.8"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("100% packet loss (0/3 replies)");
        outcome.ResponseTimeMs.Should().BeNull();
        outcome.DurationMs.Should().Be(1448.012);
        outcome.Ping.Should().BeEquivalentTo(new PingDetails { Sent = 3, Received = 0, LossPercent = 100 });
    }

    [Fact]
    public void Unreachable_host_names_the_router_that_said_so()
    {
        var outcome = Captured.Parse("ping-host-unreachable.txt", Spec("10.77.2.99"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("100% packet loss (0/3 replies): destination host unreachable (from 10.77.1.1)");
        outcome.Ping.Should().BeEquivalentTo(new PingDetails { Sent = 3, Received = 0, LossPercent = 100 });
    }

    [Fact]
    public void Ttl_exceeded_is_the_reason_when_the_ttl_is_too_small()
    {
        var outcome = Captured.Parse("ping-ttl-exceeded.txt", Spec("10.77.2.2"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("100% packet loss (0/2 replies): time to live exceeded (from 10.77.1.1)");
        outcome.Ping!.Sent.Should().Be(2);
    }

    [Fact]
    public void Dont_fragment_over_the_mtu_gives_the_local_error()
    {
        var outcome = Captured.Parse("ping-dont-fragment-too-big.txt", Spec("10.77.2.2"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("100% packet loss (0/2 replies): local error: message too long, mtu=1500");
        outcome.Ping.Should().BeEquivalentTo(new PingDetails { Sent = 2, Received = 0, LossPercent = 100 });
    }

    [Fact]
    public void A_run_cut_off_by_the_deadline_says_so()
    {
        var outcome = Captured.Parse("ping-deadline-interrupted.txt", Spec("10.77.8.8", 3));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("100% packet loss (0/3 replies), stopped at the 3 s timeout");
        outcome.Ping.Should().BeEquivalentTo(new PingDetails { Sent = 3, Received = 0, LossPercent = 100 });
    }

    [Fact]
    public void An_unknown_host_fails_with_a_resolution_reason_and_no_figures()
    {
        var outcome = Captured.Parse("ping-unknown-host.txt", Spec("no-such-host.invalid"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("cannot resolve no-such-host.invalid");
        outcome.Ping.Should().BeNull();
        outcome.ResponseTimeMs.Should().BeNull();
        outcome.DurationMs.Should().Be(21.015);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData(null)]
    public void Empty_output_is_never_a_success(string? stdout)
    {
        var outcome = SsmOutputParsers.Parse(Spec("127.0.0.1"), stdout, Captured.StartedAt, 1234);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("the instance returned no output");
        outcome.DurationMs.Should().Be(1234);
    }

    [Fact]
    public void Output_cut_short_before_the_exit_line_fails()
    {
        var stdout = Captured.Stdout("ping-loopback-success.txt").Split("BAC exit=")[0];

        var outcome = SsmOutputParsers.Parse(Spec("127.0.0.1"), stdout, Captured.StartedAt, 10);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Contain("did not finish");
    }

    [Fact]
    public void A_missing_tool_names_the_package_to_install()
    {
        var outcome = SsmOutputParsers.Parse(Spec("127.0.0.1"), "BAC missing=ping\nBAC exit=127\nBAC elapsed_ms=1.5\n", Captured.StartedAt, 10);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("ping is not installed on the instance (install the iputils (iputils-ping on Ubuntu) package)");
    }
}
