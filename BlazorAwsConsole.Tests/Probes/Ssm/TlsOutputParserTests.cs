using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>TLS outputs captured from the real openssl s_client and x509 against openssl s_server (Captured/tls-*.txt, made by dns-tls-captures.sh).</summary>
public class TlsOutputParserTests
{
    private static ProbeSpec Spec(string host = "127.0.0.1", int port = 18444, string? serverName = "localhost", bool verify = false, string? min = null, int warn = 14, int seconds = 5) =>
        new() { Type = ProbeType.Tls, Target = host, Port = port, TlsServerName = serverName, TlsVerifyChain = verify, TlsMinVersion = min, CertificateExpiryWarningDays = warn, Timeout = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public void A_good_certificate_gives_every_detail()
    {
        var outcome = CapturedAt.Parse("tls-ca-chain-90-days.txt", Spec());

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Reason.Should().Be("certificate valid for 90 days (until 2027-02-26), TLSv1.3 TLS_AES_256_GCM_SHA384");
        outcome.Tls.Should().BeEquivalentTo(new TlsDetails
        {
            Subject = "CN=localhost",
            Issuer = "CN=BAC Test Root CA, O=BlazorAwsConsole tests",
            NotBefore = new DateTimeOffset(2026, 11, 28, 9, 51, 24, TimeSpan.Zero),
            NotAfter = new DateTimeOffset(2027, 2, 26, 9, 51, 24, TimeSpan.Zero),
            DaysLeft = 90,
            TlsVersion = "TLSv1.3",
            CipherSuite = "TLS_AES_256_GCM_SHA384",
            ChainValid = false,
            ChainError = "self-signed certificate in certificate chain",
            HostnameMatches = true,
            Sans = ["localhost", "127.0.0.1"],
            HandshakeMs = 297.260,
        });
        outcome.ResponseTimeMs.Should().Be(297.260);
    }

    [Fact]
    public void An_untrusted_chain_fails_when_verified()
    {
        var outcome = CapturedAt.Parse("tls-ca-chain-90-days.txt", Spec(verify: true));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("certificate chain not trusted: self-signed certificate in certificate chain (subject CN=localhost, issuer CN=BAC Test Root CA, O=BlazorAwsConsole tests)");
    }

    [Fact]
    public void A_certificate_expiring_in_5_days_fails_with_its_date()
    {
        var outcome = CapturedAt.Parse("tls-expiring-5-days.txt", Spec(port: 18445));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("certificate expires in 5 days, 2026-12-03");
        outcome.Tls!.DaysLeft.Should().Be(5);
    }

    [Fact]
    public void A_certificate_for_another_name_fails()
    {
        var outcome = CapturedAt.Parse("tls-other-name.txt", Spec(port: 18446));

        outcome.Reason.Should().Be("certificate does not name localhost (subject CN=other.test; names other.test)");
        outcome.Tls!.HostnameMatches.Should().BeFalse();
    }

    [Fact]
    public void An_ip_target_is_checked_as_an_ip()
    {
        var outcome = CapturedAt.Parse("tls-ip-target-no-sni.txt", Spec(serverName: null));

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Tls!.HostnameMatches.Should().BeTrue();
    }

    [Fact]
    public void A_version_below_the_minimum_fails()
    {
        var outcome = CapturedAt.Parse("tls-tls12-only.txt", Spec(port: 18447, min: "1.3"));

        outcome.Reason.Should().Be("TLSv1.2 negotiated, below the minimum TLSv1.3");
        outcome.Tls!.CipherSuite.Should().Be("ECDHE-RSA-AES256-GCM-SHA384");
        CapturedAt.Parse("tls-tls12-only.txt", Spec(port: 18447, min: "1.2")).Success.Should().BeTrue();
    }

    [Theory]
    [InlineData("tls-refused.txt", "127.0.0.1", 18450, "connection refused by 127.0.0.1:18450")]
    [InlineData("tls-not-tls.txt", "127.0.0.1", 18448, "TLS handshake with 127.0.0.1:18448 failed: wrong version number")]
    [InlineData("tls-silent-timeout.txt", "127.0.0.1", 18449, "no TLS handshake with 127.0.0.1:18449 within 2 s")]
    [InlineData("tls-unknown-host.txt", "no-such-host.invalid", 443, "cannot resolve no-such-host.invalid")]
    public void A_failed_handshake_says_why(string capture, string host, int port, string reason)
    {
        var outcome = CapturedAt.Parse(capture, Spec(host, port, seconds: capture.Contains("timeout") ? 2 : 5));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be(reason);
        outcome.Tls.Should().BeNull();
    }
}
