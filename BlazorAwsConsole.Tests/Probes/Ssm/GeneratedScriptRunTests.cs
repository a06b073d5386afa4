using System.Net;
using System.Net.Sockets;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>
/// The generated scripts run with this machine's bash against loopback, and their output parsed:
/// the scripts and the parsers agree today, not only on the day the captures were made.
/// </summary>
public class GeneratedScriptRunTests
{
    private static async Task<ProbeOutcome> RunAsync(ProbeSpec spec) =>
        SsmOutputParsers.Parse(spec, await LocalBash.RunAsync(SsmProbeScripts.Build(spec)), DateTimeOffset.UtcNow, 0);

    [Fact]
    public async Task Ping_to_loopback_gets_every_reply()
    {
        var outcome = await RunAsync(new ProbeSpec { Type = ProbeType.Ping, Target = "127.0.0.1", PingCount = 3, PingIntervalMs = 200, PingPayloadBytes = 100, PingTtl = 5 });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Ping!.Sent.Should().Be(3);
        outcome.Ping.Received.Should().Be(3);
        outcome.Ping.AvgMs.Should().NotBeNull();
        outcome.DurationMs.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Traceroute_to_loopback_reaches_it_in_one_named_hop()
    {
        var outcome = await RunAsync(new ProbeSpec { Type = ProbeType.Traceroute, Target = "127.0.0.1", MaxHops = 5, ProbesPerHop = 2, HopTimeoutMs = 500 });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Traceroute!.Hops.Should().ContainSingle().Which.Address.Should().Be("127.0.0.1");
        outcome.Traceroute.Hops[0].HostName.Should().Be("localhost");
        outcome.Traceroute.Hops[0].RttMs.Should().HaveCount(2);
    }

    [Fact]
    public async Task Port_open_and_closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closed = Fixtures.MotoFixture.FreePort();

        var opened = await RunAsync(new ProbeSpec { Type = ProbeType.Port, Target = "127.0.0.1", Port = open });
        var refused = await RunAsync(new ProbeSpec { Type = ProbeType.Port, Target = "127.0.0.1", Port = closed });

        opened.Success.Should().BeTrue(opened.Reason);
        opened.Port!.State.Should().Be(PortState.Open);
        opened.Port.ConnectMs.Should().NotBeNull();
        refused.Success.Should().BeFalse();
        refused.Port!.State.Should().Be(PortState.Closed);
        refused.Reason.Should().Be($"connection refused by 127.0.0.1:{closed} (port closed)");
    }

    [Fact]
    public async Task Http_status_and_phases_from_a_loopback_server()
    {
        var port = Fixtures.MotoFixture.FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var answered = Task.Run(async () =>
        {
            var context = await server.GetContextAsync();
            context.Response.StatusCode = 503;
            await context.Response.OutputStream.WriteAsync("busy"u8.ToArray());
            context.Response.Close();
        });

        var outcome = await RunAsync(new ProbeSpec { Type = ProbeType.Http, Target = $"http://127.0.0.1:{port}/health", ExpectedStatus = "200-299" });
        await answered;

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("HTTP 503, expected 200-299");
        outcome.Http!.StatusCode.Should().Be(503);
        outcome.Http.ResponseBytes.Should().Be(4);
        outcome.Http.TotalMs.Should().BeGreaterThan(0);
        outcome.Http.FinalUrl.Should().Be($"http://127.0.0.1:{port}/health");
    }

    [Fact]
    public async Task Https_by_name_through_the_pinned_address_reads_the_certificate()
    {
        // The script connects to the address it checked (--connect-to); SNI and the certificate still belong to the name.
        await using var targets = await Fixtures.LoopbackTargets.StartAsync();
        var url = $"https://localhost:{targets.HttpsPort}/text?body=hello";

        var outcome = await RunAsync(new ProbeSpec { Type = ProbeType.Http, Target = url, VerifyTls = false, BodyContains = "hello", CertificateExpiryWarningDays = 14 });

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"HTTP 200 but the certificate expires on {targets.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd} (in 4 days; warning at 14)");
        outcome.Http!.TlsMs.Should().BeGreaterThan(0);
        outcome.Http.FinalUrl.Should().Be(url);
        targets.Requests.Should().Be(1);
    }
}
