using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>HTTP outputs captured from the real curl 7.88 (Captured/http-*.txt).</summary>
public class HttpOutputParserTests
{
    private static ProbeSpec Spec(string url, int seconds = 3) => new() { Type = ProbeType.Http, Target = url, Timeout = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public void A_200_gives_every_phase_and_passes_the_body_checks()
    {
        var spec = Spec("http://127.0.0.1:18080/ok") with { BodyContains = "status green", BodyMustNotContain = "error", BodyMatchesRegex = @"all\s+good" };

        var outcome = Captured.Parse("http-200.txt", spec);

        outcome.Success.Should().BeTrue();
        outcome.Reason.Should().Be("HTTP 200 in 2.808 ms");
        outcome.ResponseTimeMs.Should().BeApproximately(2.808, 1e-9);
        outcome.DurationMs.Should().Be(273.413);
        var http = outcome.Http!;
        http.StatusCode.Should().Be(200);
        http.DnsMs.Should().BeApproximately(0.035, 1e-9);
        http.ConnectMs.Should().BeApproximately(1.113 - 0.035, 1e-9);
        http.TlsMs.Should().BeNull("plain http has no TLS phase");
        http.FirstByteMs.Should().BeApproximately(2.629 - 1.113, 1e-9);
        http.TotalMs.Should().BeApproximately(2.808, 1e-9);
        http.ResponseBytes.Should().Be(49);
        http.CertificateExpiresAt.Should().BeNull();
        http.Redirects.Should().Be(0);
        http.FinalUrl.Should().Be("http://127.0.0.1:18080/ok");
        http.FailedAssertion.Should().BeNull();
    }

    [Fact]
    public void The_regex_is_checked_against_the_returned_body()
    {
        var outcome = Captured.Parse("http-200.txt", Spec("http://127.0.0.1:18080/ok") with { BodyMatchesRegex = "status red" });

        outcome.Success.Should().BeFalse();
        outcome.Http!.FailedAssertion.Should().Be("body-regex");
        outcome.Reason.Should().Be("HTTP 200 but the body (first 12,000 bytes) does not match /status red/");
    }

    [Fact]
    public void A_404_fails_the_status_check()
    {
        var outcome = Captured.Parse("http-404.txt", Spec("http://127.0.0.1:18080/missing"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("HTTP 404, expected 200-399");
        outcome.ResponseTimeMs.Should().BeApproximately(14.977, 1e-9, "a response came, so its time is a trend point");
        outcome.Http!.StatusCode.Should().Be(404);
        outcome.Http.ResponseBytes.Should().Be(10);
        outcome.Http.FailedAssertion.Should().Be("status");
    }

    [Fact]
    public void A_404_passes_when_it_is_the_expected_status()
    {
        var outcome = Captured.Parse("http-404.txt", Spec("http://127.0.0.1:18080/missing") with { ExpectedStatus = "200, 400-404" });

        outcome.Success.Should().BeTrue();
        outcome.Http!.FailedAssertion.Should().BeNull();
    }

    [Fact]
    public void A_followed_redirect_counts_and_reports_the_final_url()
    {
        var outcome = Captured.Parse("http-redirect-followed.txt", Spec("http://127.0.0.1:18080/redirect"));

        outcome.Success.Should().BeTrue();
        outcome.Http!.StatusCode.Should().Be(200);
        outcome.Http.Redirects.Should().Be(1);
        outcome.Http.FinalUrl.Should().Be("http://127.0.0.1:18080/ok");
    }

    [Fact]
    public void An_unfollowed_redirect_is_judged_by_its_own_status()
    {
        var outcome = Captured.Parse("http-redirect-not-followed.txt", Spec("http://127.0.0.1:18080/redirect") with { FollowRedirects = false, ExpectedStatus = "200" });

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("HTTP 302, expected 200");
        outcome.Http!.Redirects.Should().Be(0);
        outcome.Http.FinalUrl.Should().Be("http://127.0.0.1:18080/redirect");
    }

    [Fact]
    public void Too_many_redirects_fail_the_redirects_check()
    {
        var outcome = Captured.Parse("http-redirect-loop.txt", Spec("http://127.0.0.1:18080/loop") with { MaxRedirects = 3 });

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("more than 3 redirects: Maximum (3) redirects followed");
        outcome.Http!.FailedAssertion.Should().Be("redirects");
        outcome.Http.Redirects.Should().Be(3);
    }

    [Fact]
    public void A_timeout_has_no_status_and_no_trend_point()
    {
        var outcome = Captured.Parse("http-timeout.txt", Spec("http://127.0.0.1:18080/slow", 2));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("timed out after 2 s: Operation timed out after 2004 milliseconds with 0 bytes received");
        outcome.ResponseTimeMs.Should().BeNull();
        outcome.Http!.StatusCode.Should().BeNull();
        outcome.Http.FirstByteMs.Should().BeNull();
        outcome.Http.TotalMs.Should().BeApproximately(2004.761, 1e-9);
    }

    [Fact]
    public void A_refused_connection_says_so()
    {
        var outcome = Captured.Parse("http-connection-refused.txt", Spec("http://127.0.0.1:1/"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("connection failed: Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server");
        outcome.Http!.ConnectMs.Should().BeNull();
    }

    [Fact]
    public void An_unknown_host_says_so()
    {
        var outcome = Captured.Parse("http-unknown-host.txt", Spec("http://no-such-host.invalid/"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("cannot resolve the host: Could not resolve host: no-such-host.invalid");
        outcome.Http!.DnsMs.Should().BeNull();
    }

    [Fact]
    public void A_self_signed_certificate_fails_verification()
    {
        var outcome = Captured.Parse("http-tls-verify-failure.txt", Spec("https://localhost:18443/ok"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("TLS certificate not trusted: SSL certificate problem: self-signed certificate");
        outcome.Http!.StatusCode.Should().BeNull();
    }

    [Fact]
    public void Without_verification_the_tls_phase_and_certificate_expiry_are_read()
    {
        var outcome = Captured.Parse("http-tls-insecure-200.txt", Spec("https://localhost:18443/ok") with { VerifyTls = false, BodyContains = "bad words", BodyMustNotContain = "green" });

        outcome.Success.Should().BeFalse("the body lacks the text it must contain");
        outcome.Reason.Should().Be("HTTP 200 but the body does not contain 'bad words'");
        var http = outcome.Http!;
        http.FailedAssertion.Should().Be("body-contains");
        http.DnsMs.Should().BeApproximately(0.069, 1e-9);
        http.ConnectMs.Should().BeApproximately(0.796 - 0.069, 1e-9);
        http.TlsMs.Should().BeApproximately(13.502 - 0.796, 1e-9);
        http.FirstByteMs.Should().BeApproximately(23.081 - 13.502, 1e-9);
        http.TotalMs.Should().BeApproximately(23.385, 1e-9);
        http.CertificateExpiresAt.Should().Be(new DateTimeOffset(2027, 12, 30, 8, 36, 40, TimeSpan.Zero));
        http.FinalUrl.Should().Be("https://localhost:18443/ok");
    }

    [Fact]
    public void A_certificate_expiring_within_the_warning_fails()
    {
        var outcome = Captured.Parse("http-tls-insecure-200.txt", Spec("https://localhost:18443/ok") with { VerifyTls = false, CertificateExpiryWarningDays = 500 });

        outcome.Success.Should().BeFalse();
        outcome.Http!.FailedAssertion.Should().Be("certificate-expiry");
        outcome.Reason.Should().Be("HTTP 200 but the certificate expires on 2027-12-30 (in 399 days; warning at 500)");
    }

    [Fact]
    public void Text_that_must_not_appear_fails_when_it_does()
    {
        var outcome = Captured.Parse("http-must-not-contain.txt", Spec("http://127.0.0.1:18080/ok") with { BodyMustNotContain = "green" });

        outcome.Success.Should().BeFalse();
        outcome.Http!.FailedAssertion.Should().Be("body-must-not-contain");
        outcome.Reason.Should().Be("HTTP 200 but the body contains 'green'");
    }

    [Fact]
    public void A_post_with_a_body_is_measured_like_a_get()
    {
        var outcome = Captured.Parse("http-post-body.txt", Spec("http://127.0.0.1:18080/ok") with { HttpMethod = "POST", Body = "{\"probe\": \"bac\"}" });

        outcome.Success.Should().BeTrue();
        outcome.Http!.StatusCode.Should().Be(200);
        outcome.Http.ResponseBytes.Should().Be(49);
    }
}
