using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorAwsConsole.Tests.Probes.Runners;

public sealed class PingRunnerTests : IDisposable
{
    private readonly IcmpEchoClient _icmp = new(NullLogger<IcmpEchoClient>.Instance);
    private readonly PingRunner _runner;

    public PingRunnerTests() => _runner = new(TimeProvider.System, _icmp);

    public void Dispose() => _icmp.Dispose();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public async Task Loopback_answers_every_echo(string target)
    {
        var outcome = await _runner.RunAsync(new ProbeSpec { Type = ProbeType.Ping, Target = target, PingCount = 4, PingIntervalMs = 10 }, default);

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Ping!.Sent.Should().Be(4);
        outcome.Ping.Received.Should().Be(4);
        outcome.Ping.LossPercent.Should().Be(0);
        outcome.Ping.MinMs.Should().BeGreaterThan(0);
        outcome.Ping.MinMs.Should().BeLessThanOrEqualTo(outcome.Ping.AvgMs!.Value);
        outcome.Ping.AvgMs.Should().BeLessThanOrEqualTo(outcome.Ping.MaxMs!.Value);
        outcome.Ping.StdDevMs.Should().BeGreaterThanOrEqualTo(0);
        outcome.ResponseTimeMs.Should().Be(outcome.Ping.AvgMs);
        outcome.Reason.Should().MatchRegex(@"^4/4 replies, avg \d+\.\d+ ms$");
    }

    [Fact]
    public async Task Payload_size_ttl_and_dont_fragment_are_sent()
    {
        var outcome = await _runner.RunAsync(new ProbeSpec
        {
            Type = ProbeType.Ping, Target = "127.0.0.1", PingCount = 2, PingIntervalMs = 0,
            PingPayloadBytes = 1400, PingTtl = 1, PingDontFragment = true,
        }, default);

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Ping!.Received.Should().Be(2);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_fails_with_a_reason()
    {
        var outcome = await _runner.RunAsync(new ProbeSpec { Type = ProbeType.Ping, Target = "no-such-host.invalid" }, default);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("cannot resolve no-such-host.invalid");
    }

    [Fact]
    public async Task Cancellation_by_the_caller_throws()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var run = () => _runner.RunAsync(new ProbeSpec { Type = ProbeType.Ping, Target = "127.0.0.1", PingCount = 3, PingIntervalMs = 1000 }, cancel.Token);
        await run.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Statistics_are_those_of_the_round_trips()
    {
        var details = PingStatistics.Of(4, [1.0, 2.0, 3.0]);

        details.Received.Should().Be(3);
        details.LossPercent.Should().Be(25);
        details.MinMs.Should().Be(1);
        details.AvgMs.Should().Be(2);
        details.MaxMs.Should().Be(3);
        details.StdDevMs.Should().BeApproximately(0.816, 0.001);
    }
}
