using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>Traceroute outputs captured from the real Linux traceroute across network namespaces (Captured/traceroute-*.txt).</summary>
public class TracerouteOutputParserTests
{
    private static ProbeSpec Spec(string target, int seconds = 10) => new() { Type = ProbeType.Traceroute, Target = target, Timeout = TimeSpan.FromSeconds(seconds) };

    private static TraceHop Hop(int hop, string? address, double loss, params double?[] rtts) =>
        new() { Hop = hop, Address = address, LossPercent = loss, RttMs = [.. rtts] };

    [Fact]
    public void Two_hops_to_the_far_host_reach_it()
    {
        var outcome = Captured.Parse("traceroute-two-hops-reached.txt", Spec("10.77.2.2"));

        outcome.Success.Should().BeTrue();
        outcome.Reason.Should().Be("reached 10.77.2.2 in 2 hops, 0.011 ms");
        outcome.ResponseTimeMs.Should().BeApproximately((0.015 + 0.013 + 0.005) / 3, 1e-9);
        outcome.DurationMs.Should().Be(4090.589);
        outcome.Traceroute!.Reached.Should().BeTrue();
        outcome.Traceroute.RouteChanged.Should().BeFalse("the engine sets it, not the runner");
        outcome.Traceroute.Hops.Should().BeEquivalentTo(new[]
        {
            Hop(1, "10.77.1.1", 0, 0.043, 0.005, 0.004),
            Hop(2, "10.77.2.2", 0, 0.015, 0.013, 0.005),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Reverse_dns_names_the_hop()
    {
        var outcome = Captured.Parse("traceroute-loopback-reverse-dns.txt", Spec("127.0.0.1"));

        outcome.Success.Should().BeTrue();
        outcome.Traceroute!.Hops.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new TraceHop { Hop = 1, Address = "127.0.0.1", HostName = "localhost", LossPercent = 0, RttMs = [0.032, 0.004, 0.003] });
    }

    [Fact]
    public void Silent_hops_after_the_router_are_stars_with_full_loss()
    {
        var outcome = Captured.Parse("traceroute-stars-after-router.txt", Spec("10.77.9.9"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("destination 10.77.9.9 not reached in 4 hops (last answer from 10.77.1.1 at hop 1)");
        outcome.ResponseTimeMs.Should().BeNull();
        outcome.Traceroute!.Reached.Should().BeFalse();
        outcome.Traceroute.Hops.Should().BeEquivalentTo(new[]
        {
            Hop(1, "10.77.1.1", 0, 0.045, 0.005),
            Hop(2, null, 100, null, null),
            Hop(3, null, 100, null, null),
            Hop(4, null, 100, null, null),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Nothing_answering_says_no_hop_answered()
    {
        var outcome = Captured.Parse("traceroute-all-stars.txt", Spec("10.77.8.8"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("destination 10.77.8.8 not reached in 3 hops (no hop answered)");
        outcome.Traceroute!.Hops.Should().HaveCount(3).And.OnlyContain(h => h.Address == null && h.LossPercent == 100 && h.RttMs.Count == 2);
    }

    [Fact]
    public void Host_unreachable_annotation_is_the_reason()
    {
        var outcome = Captured.Parse("traceroute-host-unreachable.txt", Spec("10.77.2.99", 20));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("destination 10.77.2.99 not reached: 10.77.1.1 reports host unreachable (!H) at hop 2");
        outcome.Traceroute!.Hops.Should().BeEquivalentTo(new[]
        {
            Hop(1, "10.77.1.1", 0, 0.049, 0.006),
            Hop(2, "10.77.1.1", 0, 3075.596, 3075.571),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Network_unreachable_annotation_with_a_lost_probe()
    {
        var outcome = Captured.Parse("traceroute-network-unreachable.txt", Spec("10.88.0.1"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("destination 10.88.0.1 not reached: 10.77.1.1 reports network unreachable (!N) at hop 1");
        outcome.Traceroute!.Hops.Should().BeEquivalentTo(new[] { Hop(1, "10.77.1.1", 50, 0.042, null) });
    }

    [Fact]
    public void A_run_cut_off_by_the_deadline_keeps_the_hops_it_saw()
    {
        var outcome = Captured.Parse("traceroute-deadline.txt", Spec("10.77.9.9", 3));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("stopped at the 3 s timeout after 7 hops; destination 10.77.9.9 not reached (last answer from 10.77.1.1 at hop 1)");
        outcome.Traceroute!.Hops.Should().HaveCount(7);
        outcome.Traceroute.Hops[0].Should().BeEquivalentTo(Hop(1, "10.77.1.1", 0, 0.048, 0.005, 0.005));
        outcome.Traceroute.Hops[6].Should().BeEquivalentTo(Hop(7, null, 100, [null]));
    }

    [Fact]
    public void An_unknown_host_fails_with_a_resolution_reason()
    {
        var outcome = Captured.Parse("traceroute-unknown-host.txt", Spec("no-such-host.invalid"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("cannot resolve no-such-host.invalid");
        outcome.Traceroute.Should().BeNull();
    }
}
