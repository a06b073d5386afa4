using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>Traceroute on loopback; the multi-hop cases are in <see cref="NetworkPathTests"/>.</summary>
public sealed class TracerouteRunnerTests : IDisposable
{
    private readonly IcmpEchoClient _icmp = new(NullLogger<IcmpEchoClient>.Instance);
    private readonly TracerouteRunner _runner;

    public TracerouteRunnerTests() => _runner = new(TimeProvider.System, _icmp);

    public void Dispose() => _icmp.Dispose();

    [Fact]
    public async Task Loopback_is_one_hop_named_by_reverse_dns()
    {
        // Names are a courtesy bounded at 500 ms; the whole suite's load on this process can take longer than that for the
        // lookup's thread, so a run without the name is tried again (at most three runs).
        ProbeOutcome outcome = null!;
        for (var run = 0; run < 3; run++)
        {
            outcome = await _runner.RunAsync(new ProbeSpec { Type = ProbeType.Traceroute, Target = "127.0.0.1", ProbesPerHop = 2 }, default);
            if (outcome.Traceroute?.Hops is [{ HostName: not null }]) break;
        }

        outcome.Success.Should().BeTrue(outcome.Reason);
        var hop = outcome.Traceroute!.Hops.Should().ContainSingle().Subject;
        hop.Hop.Should().Be(1);
        hop.Address.Should().Be("127.0.0.1");
        hop.HostName.Should().Be("localhost");
        hop.RttMs.Should().HaveCount(2);
        outcome.Reason.Should().MatchRegex(@"^reached 127\.0\.0\.1 in 1 hop, \d+\.\d+ ms$");
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_fails_with_a_reason()
    {
        var outcome = await _runner.RunAsync(new ProbeSpec { Type = ProbeType.Traceroute, Target = "no-such-host.invalid" }, default);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("cannot resolve no-such-host.invalid");
        outcome.Traceroute.Should().BeNull();
    }

    [Fact]
    public void Signatures_compare_hop_addresses_in_order_with_a_star_for_silent_hops()
    {
        var a = new TracerouteDetails
        {
            Reached = true,
            Hops = [new TraceHop { Hop = 2, Address = "10.0.0.9", HostName = "far" }, new TraceHop { Hop = 1, Address = null }],
        };
        TraceRoute.SignatureOf(a).Should().Be("* > 10.0.0.9");

        var sameButNamedAndFaster = a with { Hops = [new TraceHop { Hop = 1, Address = "10.0.0.1" }, new TraceHop { Hop = 2, Address = "10.0.0.9", RttMs = [0.1] }] };
        TraceRoute.Changed(a, sameButNamedAndFaster).Should().BeFalse("a hop silent in one run is not a change on its own");

        var other = a with { Hops = [new TraceHop { Hop = 1, Address = "10.0.0.2" }, new TraceHop { Hop = 2, Address = "10.0.0.9" }] };
        TraceRoute.Changed(sameButNamedAndFaster, other).Should().BeTrue();
        TraceRoute.Changed(a, a with { Reached = false }).Should().BeTrue();
    }
}
