using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>Port-check outputs captured from the real bash /dev/tcp and openssl s_client (Captured/port-*.txt).</summary>
public class PortOutputParserTests
{
    private static ProbeSpec Spec(string host, int port, string? send = null, string? expect = null, bool tls = false, int seconds = 3) =>
        new() { Type = ProbeType.Port, Target = host, Port = port, SendText = send, ExpectText = expect, UseTls = tls, Timeout = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public void An_open_port_gives_its_connect_time()
    {
        var outcome = Captured.Parse("port-open.txt", Spec("127.0.0.1", 18080));

        outcome.Success.Should().BeTrue();
        outcome.Reason.Should().Be("port 18080 open, connected in 0.869 ms");
        outcome.ResponseTimeMs.Should().Be(0.869);
        outcome.DurationMs.Should().Be(32.083);
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Open, ConnectMs = 0.869 });
    }

    [Fact]
    public void A_refused_connection_is_closed()
    {
        var outcome = Captured.Parse("port-closed.txt", Spec("127.0.0.1", 1));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("connection refused by 127.0.0.1:1 (port closed)");
        outcome.ResponseTimeMs.Should().BeNull();
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Closed });
    }

    [Fact]
    public void No_answer_before_the_deadline_is_filtered()
    {
        var outcome = Captured.Parse("port-filtered-timeout.txt", Spec("10.77.8.8", 80, seconds: 2));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("no answer from 10.77.8.8:80 within the 2 s timeout (filtered or host down)");
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Filtered });
    }

    [Fact]
    public void No_route_is_filtered_with_the_kernel_reason()
    {
        var outcome = Captured.Parse("port-no-route.txt", Spec("10.88.0.1", 80));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("cannot reach 10.88.0.1:80: network is unreachable");
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Filtered });
    }

    [Fact]
    public void An_expected_banner_is_checked_and_kept()
    {
        var outcome = Captured.Parse("port-banner-expected.txt", Spec("127.0.0.1", 18022, expect: "220 bac-banner"));

        outcome.Success.Should().BeTrue();
        outcome.Reason.Should().Be("port 18022 open, connected in 0.327 ms, got '220 bac-banner'");
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Open, ConnectMs = 0.327, Banner = "220 bac-banner" });
    }

    [Fact]
    public void Sent_text_gets_the_echo_back()
    {
        var outcome = Captured.Parse("port-send-expect-echo.txt", Spec("localhost", 18022, send: "HELLO bac\n", expect: "ECHO HELLO"));

        outcome.Success.Should().BeTrue();
        outcome.Port!.Banner.Should().Be("220 bac-banner ready\r\nECHO HELLO");
        outcome.Port.ConnectMs.Should().Be(0.512);
    }

    [Fact]
    public void A_banner_without_the_expected_text_fails_and_shows_what_came()
    {
        var outcome = Captured.Parse("port-expect-mismatch.txt", Spec("127.0.0.1", 18022, expect: "SSH-2.0"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("port 18022 is open but the reply lacks 'SSH-2.0'; got '220 bac-banner ready'");
        outcome.ResponseTimeMs.Should().Be(1.612);
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Open, ConnectMs = 1.612, Banner = "220 bac-banner ready" });
    }

    [Fact]
    public void Tls_handshake_time_is_reported()
    {
        var outcome = Captured.Parse("port-tls-handshake.txt", Spec("127.0.0.1", 18443, tls: true));

        outcome.Success.Should().BeTrue();
        outcome.Reason.Should().Be("port 18443 open, connected in 0.239 ms, TLS in 75.5 ms");
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Open, ConnectMs = 0.239, TlsMs = 75.511 });
    }

    [Fact]
    public void Tls_exchange_reads_the_reply_through_openssl()
    {
        var outcome = Captured.Parse("port-tls-send-expect.txt", Spec("localhost", 18443, send: "GET /ok HTTP/1.0\nHost: localhost\n\n", expect: "200 OK", tls: true));

        outcome.Success.Should().BeTrue();
        outcome.Port!.TlsMs.Should().Be(63.217);
        outcome.Port.Banner.Should().StartWith("HTTP/1.0 200 OK\r\nServer: BaseHTTP").And.EndWith("all good: status green</body></html>");
        outcome.Port.Banner!.Length.Should().BeLessThanOrEqualTo(256);
    }

    [Fact]
    public void A_failed_handshake_fails_with_openssls_error()
    {
        var outcome = Captured.Parse("port-tls-not-tls.txt", Spec("127.0.0.1", 18022, tls: true));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith("port 18022 is open but the TLS handshake failed: ").And.Contain("wrong version number");
        outcome.Port.Should().BeEquivalentTo(new PortDetails { State = PortState.Open, ConnectMs = 1.108 });
    }

    [Fact]
    public void An_unknown_host_has_no_port_state()
    {
        var outcome = Captured.Parse("port-unknown-host.txt", Spec("no-such-host.invalid", 80));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("cannot resolve no-such-host.invalid");
        outcome.Port.Should().BeNull();
    }
}
