using System.Security.Cryptography.X509Certificates;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>The TLS servers of the TLS tests: real openssl s_server processes with certificates made here.</summary>
public sealed class TlsServersFixture : IAsyncLifetime
{
    public X509Certificate2 Ca { get; } = TestCertificates.RootCa();
    /// <summary>localhost and 127.0.0.1, 90 days, signed by <see cref="Ca"/> (sent as the chain).</summary>
    public OpensslServer Good { get; private set; } = null!;
    public X509Certificate2 GoodCertificate { get; private set; } = null!;
    /// <summary>localhost, self-signed, expiring in 5 days.</summary>
    public OpensslServer Expiring { get; private set; } = null!;
    public X509Certificate2 ExpiringCertificate { get; private set; } = null!;
    /// <summary>other.test only, self-signed, 90 days.</summary>
    public OpensslServer OtherName { get; private set; } = null!;
    /// <summary>Speaks TLS 1.2 only; the good certificate.</summary>
    public OpensslServer Tls12Only { get; private set; } = null!;
    /// <summary>The good certificate by default, and a certificate for sni.test when that name is sent as SNI.</summary>
    public OpensslServer WithSni { get; private set; } = null!;
    /// <summary>TLS 1.2 only (its handshake hands the client a session to resume), logging every TLS message; the good certificate.</summary>
    public OpensslServer Tls12Logged { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        GoodCertificate = TestCertificates.Server("localhost", ["localhost", "127.0.0.1"], TimeSpan.FromDays(90), Ca);
        ExpiringCertificate = TestCertificates.Server("localhost", ["localhost"], TimeSpan.FromDays(5));
        var other = TestCertificates.Server("other.test", ["other.test"], TimeSpan.FromDays(90));
        var sni = TestCertificates.Server("sni.test", ["sni.test"], TimeSpan.FromDays(30), Ca);
        Good = await OpensslServer.StartAsync(GoodCertificate, chain: Ca);
        Expiring = await OpensslServer.StartAsync(ExpiringCertificate);
        OtherName = await OpensslServer.StartAsync(other);
        Tls12Only = await OpensslServer.StartAsync(GoodCertificate, chain: Ca, tlsVersion: "-tls1_2");
        WithSni = await OpensslServer.StartAsync(GoodCertificate, chain: Ca, sniCertificate: ("sni.test", sni));
        Tls12Logged = await OpensslServer.StartAsync(GoodCertificate, chain: Ca, tlsVersion: "-tls1_2", logMessages: true);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { Good, Expiring, OtherName, Tls12Only, WithSni, Tls12Logged })
            if (server is not null) await server.DisposeAsync();
    }
}

public sealed class TlsRunnerTests(TlsServersFixture servers) : IClassFixture<TlsServersFixture>
{
    private readonly TlsRunner _runner = new(TimeProvider.System);

    private Task<ProbeOutcome> Run(int port, string target = "localhost", bool verifyChain = false, string? serverName = null, string? minVersion = null, int warningDays = 14) =>
        _runner.RunAsync(new ProbeSpec
        {
            Type = ProbeType.Tls, Target = target, Port = port, TlsVerifyChain = verifyChain, TlsServerName = serverName, TlsMinVersion = minVersion,
            CertificateExpiryWarningDays = warningDays, Timeout = TimeSpan.FromSeconds(10),
        }, default);

    [Fact]
    public async Task A_good_certificate_passes_with_every_detail()
    {
        var outcome = await Run(servers.Good.Port);

        outcome.Success.Should().BeTrue(outcome.Reason);
        var tls = outcome.Tls!;
        tls.Subject.Should().Be("CN=localhost");
        tls.Issuer.Should().Be("CN=BAC Test Root CA, O=BlazorAwsConsole tests");
        tls.NotAfter.Should().BeCloseTo(new DateTimeOffset(servers.GoodCertificate.NotAfter.ToUniversalTime()), TimeSpan.FromSeconds(1));
        tls.NotBefore.Should().BeCloseTo(new DateTimeOffset(servers.GoodCertificate.NotBefore.ToUniversalTime()), TimeSpan.FromSeconds(1));
        tls.DaysLeft.Should().Be(90);
        tls.TlsVersion.Should().Be("TLSv1.3");
        tls.CipherSuite.Should().StartWith("TLS_");
        tls.ChainValid.Should().BeFalse("the test's own root CA is trusted by nobody");
        tls.HostnameMatches.Should().BeTrue();
        tls.Sans.Should().Equal("localhost", "127.0.0.1");
        tls.ConnectMs.Should().BeGreaterThan(0);
        tls.HandshakeMs.Should().BeGreaterThan(0);
        outcome.ResponseTimeMs.Should().BeApproximately(tls.ConnectMs!.Value + tls.HandshakeMs!.Value, 0.01);
        outcome.Reason.Should().Be($"certificate valid for 90 days (until {tls.NotAfter:yyyy-MM-dd}), TLSv1.3 {tls.CipherSuite}");
    }

    [Fact]
    public async Task A_chain_to_an_untrusted_root_fails_when_verified()
    {
        var outcome = await Run(servers.Good.Port, verifyChain: true);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith("certificate chain not trusted: UntrustedRoot");
        outcome.Reason.Should().EndWith("(subject CN=localhost, issuer CN=BAC Test Root CA, O=BlazorAwsConsole tests)");
        outcome.Tls!.ChainValid.Should().BeFalse();
    }

    [Fact]
    public async Task A_certificate_expiring_within_the_warning_days_fails_with_its_date()
    {
        var outcome = await Run(servers.Expiring.Port);

        var notAfter = servers.ExpiringCertificate.NotAfter.ToUniversalTime();
        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"certificate expires in 5 days, {notAfter:yyyy-MM-dd}");
        outcome.Tls!.DaysLeft.Should().Be(5);

        (await Run(servers.Expiring.Port, warningDays: 3)).Success.Should().BeTrue("5 days left is outside a 3-day warning");
        (await Run(servers.Expiring.Port, warningDays: 0)).Success.Should().BeTrue("0 turns the warning off");
    }

    [Fact]
    public async Task A_certificate_for_another_name_fails_naming_both()
    {
        var outcome = await Run(servers.OtherName.Port);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("certificate does not name localhost (subject CN=other.test; names other.test)");
        outcome.Tls!.HostnameMatches.Should().BeFalse();
        outcome.Tls.Sans.Should().Equal("other.test");
    }

    [Fact]
    public async Task The_server_name_is_sent_as_SNI_and_checked()
    {
        var plain = await Run(servers.WithSni.Port, target: "127.0.0.1");
        plain.Success.Should().BeTrue(plain.Reason);
        plain.Tls!.Subject.Should().Be("CN=localhost");

        var sni = await Run(servers.WithSni.Port, target: "127.0.0.1", serverName: "sni.test");
        sni.Success.Should().BeTrue(sni.Reason);
        sni.Tls!.Subject.Should().Be("CN=sni.test");
        sni.Tls.Sans.Should().Equal("sni.test");

        var wrong = await Run(servers.Good.Port, target: "127.0.0.1", serverName: "sni.test");
        wrong.Reason.Should().StartWith("certificate does not name sni.test");
    }

    [Fact]
    public async Task A_version_below_the_minimum_fails()
    {
        var outcome = await Run(servers.Tls12Only.Port, minVersion: "1.3");
        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("TLSv1.2 negotiated, below the minimum TLSv1.3");
        outcome.Tls!.TlsVersion.Should().Be("TLSv1.2");

        (await Run(servers.Tls12Only.Port, minVersion: "1.2")).Success.Should().BeTrue();
    }

    [Fact]
    public async Task Every_run_is_a_full_handshake_in_which_the_server_sends_its_certificate()
    {
        // A resumed session skips the server's Certificate message: the run would report the certificate
        // remembered from an earlier run, not the one the server has now (a renewal would go unseen).
        const int runs = 3;
        for (var run = 0; run < runs; run++)
        {
            var outcome = await Run(servers.Tls12Logged.Port);
            outcome.Success.Should().BeTrue(outcome.Reason);
        }

        IReadOnlyList<string> messages = [];
        await Poll.UntilAsync(async () => (messages = await servers.Tls12Logged.Messages()).Count(m => m.StartsWith("<<<") && m.EndsWith(", ClientHello")) >= runs,
            TimeSpan.FromSeconds(10), () => $"the server logged {messages.Count} messages, not {runs} ClientHellos");
        messages.Count(m => m.StartsWith(">>>") && m.EndsWith(", Certificate")).Should().Be(runs, "the server sends its certificate in every full handshake");
    }

    [Fact]
    public async Task A_port_that_does_not_speak_TLS_or_refuses_fails_with_the_reason()
    {
        await using var targets = await LoopbackTargets.StartAsync();

        var plain = await Run(targets.BannerPort, target: "127.0.0.1");
        plain.Success.Should().BeFalse();
        plain.Reason.Should().StartWith($"TLS handshake with 127.0.0.1:{targets.BannerPort} failed: ");
        plain.Tls!.Subject.Should().BeNull();

        var closed = await Run(targets.ClosedPort, target: "127.0.0.1");
        closed.Reason.Should().Be($"connection refused by 127.0.0.1:{targets.ClosedPort}");
        closed.Tls.Should().BeNull();
    }

    [Fact]
    public async Task A_link_local_target_is_refused_before_connecting()
    {
        var outcome = await Run(443, target: "169.254.169.254");

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it");
    }
}
