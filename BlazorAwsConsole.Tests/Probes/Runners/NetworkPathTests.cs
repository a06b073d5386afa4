using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>
/// Traceroute, ping and port checks over a real multi-hop path made of network namespaces
/// (root → router → far host). One class, so its tests run one after the other: one of them
/// switches the route through the second router and back.
/// </summary>
public sealed class NetworkPathTests(NetworkNamespacesFixture fixture) : IClassFixture<NetworkNamespacesFixture>, IDisposable
{
    private readonly IcmpEchoClient _icmp = new(NullLogger<IcmpEchoClient>.Instance);

    public void Dispose() => _icmp.Dispose();

    private NetworkNamespaces Net => fixture.Net;

    private static ProbeSpec Trace(string target) => new()
    {
        Type = ProbeType.Traceroute, Target = target, MaxHops = 8, ProbesPerHop = 3, HopTimeoutMs = 1000,
        Timeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Traceroute_reports_the_router_then_the_far_host()
    {
        var outcome = await new TracerouteRunner(TimeProvider.System, _icmp).RunAsync(Trace(Net.FarAddress), default);

        outcome.Success.Should().BeTrue(outcome.Reason);
        var trace = outcome.Traceroute!;
        trace.Reached.Should().BeTrue();
        trace.RouteChanged.Should().BeFalse();
        trace.Hops.Select(h => h.Address).Should().Equal(Net.RouterAddress, Net.FarAddress);
        trace.Hops.Select(h => h.Hop).Should().Equal(1, 2);
        foreach (var hop in trace.Hops)
        {
            hop.RttMs.Should().HaveCount(3).And.OnlyContain(r => r > 0);
            hop.LossPercent.Should().Be(0);
        }
        outcome.ResponseTimeMs.Should().BeGreaterThan(0);
        outcome.Reason.Should().MatchRegex($@"^reached {Net.FarAddress.Replace(".", @"\.")} in 2 hops, \d+\.\d+ ms$");
        TraceRoute.SignatureOf(trace).Should().Be($"{Net.RouterAddress} > {Net.FarAddress}");
    }

    [Fact]
    public async Task A_route_change_gives_other_hops_and_another_signature()
    {
        var runner = new TracerouteRunner(TimeProvider.System, _icmp);
        var before = (await runner.RunAsync(Trace(Net.FarAddress), default)).Traceroute!;
        try
        {
            await Net.UseSecondRouterAsync();
            var after = (await runner.RunAsync(Trace(Net.FarAddress), default)).Traceroute!;

            after.Reached.Should().BeTrue();
            after.Hops.Select(h => h.Address).Should().Equal(Net.SecondRouterAddress, Net.FarAddress);
            TraceRoute.SignatureOf(after).Should().NotBe(TraceRoute.SignatureOf(before));
            TraceRoute.Changed(before, after).Should().BeTrue();
        }
        finally
        {
            await Net.UseFirstRouterAsync();
        }
        var back = (await runner.RunAsync(Trace(Net.FarAddress), default)).Traceroute!;
        TraceRoute.SignatureOf(back).Should().Be(TraceRoute.SignatureOf(before));
        TraceRoute.Changed(before, back).Should().BeFalse();
    }

    [Fact]
    public async Task Traceroute_to_a_host_nobody_holds_does_not_reach_it()
    {
        var spec = Trace(Net.UnreachableAddress) with { MaxHops = 3, HopTimeoutMs = 500, Timeout = TimeSpan.FromSeconds(10) };
        var outcome = await new TracerouteRunner(TimeProvider.System, _icmp).RunAsync(spec, default);

        outcome.Success.Should().BeFalse();
        outcome.Traceroute!.Reached.Should().BeFalse();
        outcome.Traceroute.Hops[0].Address.Should().Be(Net.RouterAddress);
        outcome.ResponseTimeMs.Should().BeNull();
    }

    [Fact]
    public async Task Ping_of_the_far_host_answers_and_of_a_host_nobody_holds_loses_everything()
    {
        var runner = new PingRunner(TimeProvider.System, _icmp);
        var far = await runner.RunAsync(new ProbeSpec { Type = ProbeType.Ping, Target = Net.FarAddress, PingCount = 3, PingIntervalMs = 50 }, default);
        far.Success.Should().BeTrue(far.Reason);
        far.Ping!.Received.Should().Be(3);

        var lost = await runner.RunAsync(new ProbeSpec
        {
            // Room for each echo to time out on a loaded machine: a late timeout leaves the last echo no time to be sent.
            Type = ProbeType.Ping, Target = Net.UnreachableAddress, PingCount = 4, PingIntervalMs = 0, Timeout = TimeSpan.FromSeconds(4),
        }, default);
        lost.Success.Should().BeFalse();
        lost.Ping!.Sent.Should().Be(4);
        lost.Ping.Received.Should().Be(0);
        lost.Ping.LossPercent.Should().Be(100);
        lost.Ping.AvgMs.Should().BeNull();
        lost.ResponseTimeMs.Should().BeNull();
        lost.Reason.Should().EndWith("100% packet loss (0/4 replies)");
    }

    [Fact]
    public async Task Ping_with_a_ttl_too_small_for_the_path_is_answered_by_the_router()
    {
        var outcome = await new PingRunner(TimeProvider.System, _icmp).RunAsync(new ProbeSpec
        {
            Type = ProbeType.Ping, Target = Net.FarAddress, PingCount = 2, PingIntervalMs = 0, PingTtl = 1,
        }, default);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"TTL expired in transit (reported by {Net.RouterAddress}), 100% packet loss (0/2 replies)");
    }

    [Fact]
    public async Task A_port_behind_a_dropping_router_is_filtered()
    {
        var outcome = await new PortRunner(TimeProvider.System).RunAsync(new ProbeSpec
        {
            Type = ProbeType.Port, Target = Net.DroppedAddress, Port = 443, Timeout = TimeSpan.FromSeconds(1),
        }, default);

        outcome.Success.Should().BeFalse();
        outcome.Port!.State.Should().Be(PortState.Filtered);
        outcome.Reason.Should().Be("port 443 filtered: no answer within 1 s");
    }

    [Fact]
    public async Task A_port_on_the_far_host_with_nothing_listening_is_closed()
    {
        var outcome = await new PortRunner(TimeProvider.System).RunAsync(new ProbeSpec
        {
            Type = ProbeType.Port, Target = Net.FarAddress, Port = 9, Timeout = TimeSpan.FromSeconds(2),
        }, default);

        outcome.Port!.State.Should().Be(PortState.Closed);
        outcome.Reason.Should().Be("port 9 closed: connection refused");
    }

    [Fact]
    public async Task A_link_local_target_is_refused_at_run_time_unless_allowed()
    {
        // The listener is on a link-local address this fixture gave the test's own namespace.
        var address = System.Net.IPAddress.Parse(Net.LinkLocalAddress);
        var listener = new System.Net.Sockets.TcpListener(address, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            _ = AnswerHttpAsync(listener);
            var refusal = $"{Net.LinkLocalAddress} is link-local; add it to Probes:LinkLocalAllowList to allow it";
            var portRunner = new PortRunner(TimeProvider.System);
            var httpRunner = new HttpRunner(TimeProvider.System);
            var portSpec = new ProbeSpec { Type = ProbeType.Port, Target = Net.LinkLocalAddress, Port = port, Timeout = TimeSpan.FromSeconds(5) };
            var httpSpec = new ProbeSpec { Type = ProbeType.Http, Target = $"http://{Net.LinkLocalAddress}:{port}/", Timeout = TimeSpan.FromSeconds(5) };

            (await TargetGuard.CheckAsync(Net.LinkLocalAddress, [], default)).Should().Be(refusal);
            (await portRunner.RunAsync(portSpec, default)).Reason.Should().Be(refusal);
            (await httpRunner.RunAsync(httpSpec, default)).Reason.Should().Be(refusal);

            var allowed = await portRunner.RunAsync(portSpec with { LinkLocalAllowList = [$"{Net.LinkLocalAddress}/32"] }, default);
            allowed.Success.Should().BeTrue(allowed.Reason);
            var fetched = await httpRunner.RunAsync(httpSpec with { LinkLocalAllowList = ["169.254.213.0/24"], BodyContains = "ok" }, default);
            fetched.Success.Should().BeTrue(fetched.Reason);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task AnswerHttpAsync(System.Net.Sockets.TcpListener listener)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var buffer = new byte[4096];
                var request = "";
                while (!request.Contains("\r\n\r\n"))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0) break;
                    request += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                }
                if (request.Length > 0)
                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
            }
        }
        catch (Exception) { /* the listener was stopped */ }
    }
}
