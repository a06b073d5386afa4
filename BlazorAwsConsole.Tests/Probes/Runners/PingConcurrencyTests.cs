using System.Net.Sockets;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>
/// Many pings at once must not invent loss: every echo to loopback is answered by the kernel, so a
/// reply counted as lost means the console dropped a reply that did arrive. (With one
/// System.Net.NetworkInformation.Ping per loop this lost a few replies in 80,000.) It runs alone:
/// its load would slow other tests' timed steps (traceroute's reverse-DNS bound).
/// </summary>
[Collection(Name)]
public sealed class PingConcurrencyTests : IDisposable
{
    public const string Name = "ICMP load";

    private readonly IcmpEchoClient _icmp = new(NullLogger<IcmpEchoClient>.Instance);

    public void Dispose() => _icmp.Dispose();

    [Fact]
    public async Task Thirty_two_concurrent_pings_of_loopback_lose_nothing()
    {
        _icmp.UsesRawSocket(AddressFamily.InterNetwork).Should().BeTrue("the tests run as root, so pings go through the shared raw socket");
        var runner = new PingRunner(TimeProvider.System, _icmp);
        var spec = new ProbeSpec
        {
            Type = ProbeType.Ping, Target = "127.0.0.1", PingCount = 2500, PingIntervalMs = 0, Timeout = TimeSpan.FromSeconds(120),
        };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => runner.RunAsync(spec, default))));

        outcomes.Sum(o => o.Ping!.Sent).Should().Be(32 * 2500);
        var lost = outcomes.Sum(o => o.Ping!.Sent - o.Ping.Received);
        lost.Should().Be(0, "loopback answers every echo; reasons: {0}", string.Join("; ", outcomes.Where(o => o.Ping!.LossPercent > 0).Select(o => o.Reason)));
    }
}

[CollectionDefinition(PingConcurrencyTests.Name, DisableParallelization = true)]
public sealed class IcmpLoadCollection;
