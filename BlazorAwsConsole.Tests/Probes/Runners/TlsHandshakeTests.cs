using System.Net;
using System.Net.Sockets;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Runners.Tls;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>
/// The TLS check's own handshake (libssl called directly, one context for the process) against real
/// openssl s_server processes: every run a full handshake, failures worded, names judged per run.
/// </summary>
public sealed class TlsHandshakeTests(TlsServersFixture servers) : IClassFixture<TlsServersFixture>
{
    private readonly TlsRunner _runner = new(TimeProvider.System);

    private Task<ProbeOutcome> Run(int port, string target = "localhost", string? serverName = null, int timeoutSeconds = 10) =>
        _runner.RunAsync(new ProbeSpec
        {
            Type = ProbeType.Tls, Target = target, Port = port, TlsServerName = serverName, TlsVerifyChain = false, CertificateExpiryWarningDays = 14,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        }, default);

    [Fact]
    public void On_Linux_the_handshake_is_libssls()
    {
        if (!OperatingSystem.IsLinux()) return;
        NativeTlsHandshake.IsAvailable.Should().BeTrue("libssl.so.3 is where .NET's own TLS comes from on this machine");
    }

    [Fact]
    public async Task A_certificate_replaced_on_the_same_port_is_reported_at_the_next_run()
    {
        // TLS 1.2 hands the client a session in the handshake; a client that kept it would resume and report
        // certificate A again. The context is shared by every run, so this checks it keeps no session.
        var first = TestCertificates.Server("first.test", ["first.test"], TimeSpan.FromDays(30), servers.Ca);
        var second = TestCertificates.Server("second.test", ["first.test"], TimeSpan.FromDays(60), servers.Ca);
        var server = await OpensslServer.StartAsync(first, chain: servers.Ca, tlsVersion: "-tls1_2");
        var port = server.Port;
        try
        {
            var before = await Run(port, target: "127.0.0.1", serverName: "first.test");
            before.Tls!.Subject.Should().Be("CN=first.test", before.Reason);
            before.Tls.TlsVersion.Should().Be("TLSv1.2");

            await server.DisposeAsync();
            server = await OpensslServer.StartAsync(second, chain: servers.Ca, tlsVersion: "-tls1_2", port: port);

            var after = await Run(port, target: "127.0.0.1", serverName: "first.test");
            after.Success.Should().BeTrue(after.Reason);
            after.Tls!.Subject.Should().Be("CN=second.test");
            after.Tls.DaysLeft.Should().Be(60);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_that_closes_during_the_handshake_fails_with_the_reason()
    {
        using var listener = new TcpListener(IPAddress.Loopback, LoopbackPort.Free());
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.ReadExactlyAsync(new byte[5]); // the ClientHello's record header: the handshake has begun
            await Task.Delay(100);
            client.Client.Shutdown(SocketShutdown.Send);
            var rest = new byte[4096];
            while (await stream.ReadAsync(rest) > 0) { }
        });

        var outcome = await Run(port, target: "127.0.0.1");
        await server;

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith($"TLS handshake with 127.0.0.1:{port} failed: ");
        if (NativeTlsHandshake.IsAvailable)
            outcome.Reason.Should().Be($"TLS handshake with 127.0.0.1:{port} failed: the server closed the connection during the handshake");
        outcome.Tls!.Subject.Should().BeNull();
    }

    [Fact]
    public async Task A_server_that_never_answers_the_handshake_times_out()
    {
        await using var targets = await LoopbackTargets.StartAsync();

        var outcome = await Run(targets.OpenPort, target: "127.0.0.1", timeoutSeconds: 1);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"127.0.0.1:{targets.OpenPort} did not finish the TLS handshake within 1 s");
    }

    [Fact]
    public async Task An_IP_literal_target_is_matched_against_the_certificates_IP_names()
    {
        var good = await Run(servers.Good.Port, target: "127.0.0.1");
        good.Success.Should().BeTrue(good.Reason);
        good.Tls!.HostnameMatches.Should().BeTrue("the certificate names 127.0.0.1 as an IP address");

        var other = await Run(servers.OtherName.Port, target: "127.0.0.1");
        other.Success.Should().BeFalse();
        other.Reason.Should().Be("certificate does not name 127.0.0.1 (subject CN=other.test; names other.test)");
    }

    [Fact]
    public async Task The_same_certificate_is_judged_for_each_name_asked()
    {
        (await Run(servers.Good.Port)).Success.Should().BeTrue();

        var wrong = await Run(servers.Good.Port, target: "127.0.0.1", serverName: "wrong.test");
        wrong.Success.Should().BeFalse();
        wrong.Reason.Should().Be("certificate does not name wrong.test (subject CN=localhost; names localhost, 127.0.0.1)");
        wrong.Tls!.HostnameMatches.Should().BeFalse();

        (await Run(servers.Good.Port)).Success.Should().BeTrue("the verdict on another name is not this one's");
    }

    [Fact]
    public async Task A_wildcard_certificate_names_one_label_below_it()
    {
        var wildcard = TestCertificates.Server("*.wild.test", ["*.wild.test"], TimeSpan.FromDays(30));
        await using var server = await OpensslServer.StartAsync(wildcard);

        var one = await Run(server.Port, target: "127.0.0.1", serverName: "api.wild.test");
        one.Success.Should().BeTrue(one.Reason);
        one.Tls!.Sans.Should().Equal("*.wild.test");

        var two = await Run(server.Port, target: "127.0.0.1", serverName: "a.api.wild.test");
        two.Reason.Should().Be("certificate does not name a.api.wild.test (subject CN=*.wild.test; names *.wild.test)");
    }

    [Fact]
    public async Task Libssl_and_SslStream_report_the_same_version_cipher_and_certificates()
    {
        if (!NativeTlsHandshake.IsAvailable) return;
        foreach (var server in new[] { servers.Good, servers.Tls12Only })
        {
            var native = await HandshakeAsync(new NativeTlsHandshake(), server.Port);
            var managed = await HandshakeAsync(new SslStreamHandshake(), server.Port);

            native.TlsVersion.Should().Be(managed.TlsVersion);
            native.CipherSuite.Should().Be(managed.CipherSuite);
            native.Chain.Should().HaveCount(2, "the leaf and the CA the server sends with it");
            native.Chain.Should().BeEquivalentTo(managed.Chain, o => o.WithStrictOrdering());
        }
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("[::1]", null)]
    [InlineData("::1", null)]
    [InlineData("localhost", "localhost")]
    [InlineData("api.example.com.", "api.example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void The_server_name_sent_is_ASCII_and_never_an_IP_address(string serverName, string? sent) =>
        ServerNameIndication.HostName(serverName).Should().Be(sent);

    private static async Task<ServedTls> HandshakeAsync(ITlsHandshake handshake, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await handshake.HandshakeAsync(socket, "localhost", timeout.Token);
    }
}
