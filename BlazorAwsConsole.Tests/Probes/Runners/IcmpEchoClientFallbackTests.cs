using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>
/// Without raw sockets (not root, no CAP_NET_RAW) echoes go through System.Net.NetworkInformation.Ping,
/// and the log says why, once. The refusal is the one the kernel gives an unprivileged process.
/// </summary>
public sealed class IcmpEchoClientFallbackTests
{
    [Fact]
    public async Task When_the_raw_socket_is_refused_pings_still_work_and_the_log_says_why_once()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var attempts = 0;
        using var icmp = new IcmpEchoClient(factory.CreateLogger<IcmpEchoClient>(), _ =>
        {
            attempts++;
            throw new SocketException((int)SocketError.AccessDenied);
        });
        var runner = new PingRunner(TimeProvider.System, icmp);

        for (var i = 0; i < 3; i++)
        {
            var outcome = await runner.RunAsync(new ProbeSpec { Type = ProbeType.Ping, Target = "127.0.0.1", PingCount = 2, PingIntervalMs = 0 }, default);
            outcome.Success.Should().BeTrue(outcome.Reason);
            outcome.Ping!.Received.Should().Be(2);
            outcome.Ping.MinMs.Should().BeGreaterThan(0);
        }
        var ttlOne = await icmp.SendAsync(IPAddress.Loopback, 1, true, 100, TimeSpan.FromSeconds(2), default);
        ttlOne.Status.Should().Be(IPStatus.Success);

        icmp.UsesRawSocket(AddressFamily.InterNetwork).Should().BeFalse();
        attempts.Should().Be(1);
        logs.Lines.Where(l => l.Contains("cannot open a raw socket")).Should().ContainSingle()
            .Which.Should().Contain("Warning").And.Contain("CAP_NET_RAW");
    }
}
