using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Runners;

public sealed class HttpRunnerTests(LoopbackTargetsFixture fixture) : IClassFixture<LoopbackTargetsFixture>
{
    private readonly HttpRunner _runner = new(TimeProvider.System);
    private LoopbackTargets Targets => fixture.Targets;

    private Task<ProbeOutcome> Run(string url, Func<ProbeSpec, ProbeSpec>? with = null)
    {
        var spec = new ProbeSpec { Type = ProbeType.Http, Target = url, Timeout = TimeSpan.FromSeconds(10) };
        return _runner.RunAsync(with?.Invoke(spec) ?? spec, default);
    }

    [Fact]
    public async Task A_200_passes_with_status_size_timings_and_final_url()
    {
        var outcome = await Run(Targets.HttpUrl("/text?body=hello&repeat=3"));

        outcome.Success.Should().BeTrue(outcome.Reason);
        var http = outcome.Http!;
        http.StatusCode.Should().Be(200);
        http.ResponseBytes.Should().Be(15);
        http.FinalUrl.Should().Be(Targets.HttpUrl("/text?body=hello&repeat=3"));
        http.FailedAssertion.Should().BeNull();
        http.TlsMs.Should().BeNull();
        http.CertificateExpiresAt.Should().BeNull();
        outcome.ResponseTimeMs.Should().Be(http.TotalMs);
        outcome.Reason.Should().MatchRegex(@"^HTTP 200 in \d+(\.\d)? ms$");
    }

    [Fact]
    public async Task Phase_timings_are_present_and_in_order()
    {
        var outcome = await Run(Targets.HttpsUrl("/slow-body/50"), s => s with { VerifyTls = false, CertificateExpiryWarningDays = 0 });

        outcome.Success.Should().BeTrue(outcome.Reason);
        var h = outcome.Http!;
        h.DnsMs.Should().NotBeNull();
        h.ConnectMs.Should().NotBeNull();
        h.TlsMs.Should().NotBeNull();
        h.FirstByteMs.Should().NotBeNull();
        h.DnsMs.Should().BeLessThanOrEqualTo(h.ConnectMs!.Value);
        h.ConnectMs.Should().BeLessThanOrEqualTo(h.TlsMs!.Value);
        h.TlsMs.Should().BeLessThanOrEqualTo(h.FirstByteMs!.Value);
        h.FirstByteMs.Should().BeLessThanOrEqualTo(h.TotalMs!.Value);
        // The body is sent 50 ms after the headers, so the probe cannot have ended sooner.
        h.TotalMs.Should().BeGreaterThanOrEqualTo(50);
        outcome.DurationMs.Should().BeGreaterThanOrEqualTo(h.TotalMs!.Value);
    }

    [Fact]
    public async Task The_first_byte_is_that_of_the_probe_own_connection_when_many_run_at_once()
    {
        // Half the probes wait 6 s for their answer, half get it at once; a timing taken from another
        // probe's connection would show up as a fast probe reporting a late first byte or the reverse.
        // (The wait is long so that a fast answer on a loaded machine, once 1.5 s, never looks like a slow one.)
        var runs = Enumerable.Range(0, 64).Select(i => (Slow: i % 2 == 0, Task: Run(Targets.HttpUrl(i % 2 == 0 ? "/slow/6000" : "/")))).ToList();
        await Task.WhenAll(runs.Select(r => r.Task));

        foreach (var (slow, task) in runs)
        {
            var outcome = await task;
            outcome.Success.Should().BeTrue(outcome.Reason);
            if (slow) outcome.Http!.FirstByteMs.Should().BeGreaterThanOrEqualTo(6000);
            else outcome.Http!.FirstByteMs.Should().BeLessThan(6000);
        }
    }

    [Fact]
    public async Task Every_probe_has_a_connection_of_its_own()
    {
        await using var own = await LoopbackTargets.StartAsync();

        for (var i = 0; i < 3; i++) (await Run(own.HttpUrl("/"))).Success.Should().BeTrue();
        await Run(own.HttpUrl("/redirect/2"));

        own.Requests.Should().Be(6);
        own.Connections.Should().Be(6);
    }

    [Theory]
    [InlineData("/status/503", null, false, "HTTP 503, expected 200-399")]
    [InlineData("/status/404", "200-299,301", false, "HTTP 404, expected 200-299,301")]
    [InlineData("/status/301", "200-299,301", true, null)]
    [InlineData("/status/404", "404", true, null)]
    [InlineData("/status/204", "", true, null)]
    [InlineData("/status/302", null, true, null)]
    public async Task The_status_is_checked_against_codes_and_ranges(string path, string? expected, bool success, string? reason)
    {
        var outcome = await Run(Targets.HttpUrl(path), s => s with { ExpectedStatus = expected, FollowRedirects = false });

        outcome.Success.Should().Be(success, outcome.Reason);
        if (reason is not null) outcome.Reason.Should().Be(reason);
        outcome.Http!.FailedAssertion.Should().Be(success ? null : "status");
    }

    [Fact]
    public async Task Bad_expected_status_text_is_named()
    {
        var outcome = await Run(Targets.HttpUrl("/"), s => s with { ExpectedStatus = "20x" });

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("expected status: '20x' is not a status code (100-599) or a range such as 200-299");
    }

    [Fact]
    public async Task Body_contains()
    {
        (await Run(Targets.HttpUrl("/text?body=all+is+well"), s => s with { BodyContains = "is well" })).Success.Should().BeTrue();

        var failed = await Run(Targets.HttpUrl("/text?body=all+is+well"), s => s with { BodyContains = "broken" });
        failed.Success.Should().BeFalse();
        failed.Http!.FailedAssertion.Should().Be("body-contains");
        failed.Reason.Should().Be("HTTP 200, but the body lacks \"broken\"");
    }

    [Fact]
    public async Task Body_regex()
    {
        (await Run(Targets.HttpUrl("/text?body=version+42"), s => s with { BodyMatchesRegex = @"version \d+" })).Success.Should().BeTrue();

        var failed = await Run(Targets.HttpUrl("/text?body=version+x"), s => s with { BodyMatchesRegex = @"version \d+" });
        failed.Success.Should().BeFalse();
        failed.Http!.FailedAssertion.Should().Be("body-regex");
        failed.Reason.Should().Be(@"HTTP 200, but the body does not match /version \d+/");
    }

    [Fact]
    public async Task A_regex_that_runs_away_is_stopped_by_its_timeout()
    {
        var outcome = await Run(Targets.HttpUrl("/text?body=a&repeat=5000"), s => s with { BodyMatchesRegex = "^(a+)+b$" });

        outcome.Success.Should().BeFalse();
        outcome.Http!.FailedAssertion.Should().Be("body-regex");
        outcome.Reason.Should().Be("the regex /^(a+)+b$/ took longer than 250 ms on the body");
    }

    [Fact]
    public async Task An_invalid_regex_is_named()
    {
        var outcome = await Run(Targets.HttpUrl("/"), s => s with { BodyMatchesRegex = "(unclosed" });

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith("the regex /(unclosed/ is not valid");
    }

    [Fact]
    public async Task Body_must_not_contain()
    {
        (await Run(Targets.HttpUrl("/text?body=fine"), s => s with { BodyMustNotContain = "error" })).Success.Should().BeTrue();

        var failed = await Run(Targets.HttpUrl("/text?body=an+error+occurred"), s => s with { BodyMustNotContain = "error" });
        failed.Success.Should().BeFalse();
        failed.Http!.FailedAssertion.Should().Be("body-must-not-contain");
        failed.Reason.Should().Be("HTTP 200, but the body contains \"error\"");
    }

    [Fact]
    public async Task Only_the_first_mebibyte_is_checked_but_the_whole_body_is_counted()
    {
        var size = 3 * 1024 * 1024;
        var outcome = await Run(Targets.HttpUrl($"/bytes/{size}"), s => s with { BodyContains = "y" });

        outcome.Http!.ResponseBytes.Should().Be(size);
        outcome.Http.FailedAssertion.Should().Be("body-contains");
        outcome.Reason.Should().EndWith("(in the first MiB)");
    }

    [Fact]
    public async Task Method_headers_and_body_are_sent()
    {
        var outcome = await Run(Targets.HttpUrl("/echo"), s => s with
        {
            HttpMethod = "put",
            Headers = new Dictionary<string, string> { ["X-Probe"] = "yes", ["Content-Type"] = "application/json", ["User-Agent"] = "noc" },
            Body = "{\"a\":1}",
            BodyContains = "method: PUT\n",
        });
        outcome.Success.Should().BeTrue(outcome.Reason);

        foreach (var expected in new[] { "X-Probe: yes", "Content-Type: application/json", "User-Agent: noc", "{\"a\":1}", $"Host: 127.0.0.1:{Targets.HttpPort}" })
            (await Run(Targets.HttpUrl("/echo"), s => s with
            {
                HttpMethod = "PUT",
                Headers = new Dictionary<string, string> { ["X-Probe"] = "yes", ["Content-Type"] = "application/json", ["User-Agent"] = "noc" },
                Body = "{\"a\":1}",
                BodyContains = expected,
            })).Success.Should().BeTrue($"the echo should contain {expected}");
    }

    [Fact]
    public async Task An_unknown_method_is_named()
    {
        var outcome = await Run(Targets.HttpUrl("/"), s => s with { HttpMethod = "GE T" });

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("'GE T' is not an HTTP method");
    }

    [Fact]
    public async Task Redirects_are_followed_and_counted()
    {
        var outcome = await Run(Targets.HttpUrl("/redirect/3"), s => s with { BodyContains = "arrived" });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.Redirects.Should().Be(3);
        outcome.Http.StatusCode.Should().Be(200);
        outcome.Http.FinalUrl.Should().Be(Targets.HttpUrl("/redirect/0"));
        outcome.Reason.Should().StartWith("HTTP 200 after 3 redirects in ");
    }

    [Fact]
    public async Task Redirects_are_not_followed_when_off()
    {
        var outcome = await Run(Targets.HttpUrl("/redirect/3"), s => s with { FollowRedirects = false });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.StatusCode.Should().Be(302);
        outcome.Http.Redirects.Should().Be(0);
        outcome.Http.FinalUrl.Should().Be(Targets.HttpUrl("/redirect/3"));
    }

    [Fact]
    public async Task More_redirects_than_the_maximum_fail()
    {
        var outcome = await Run(Targets.HttpUrl("/redirect/3"), s => s with { MaxRedirects = 2 });

        outcome.Success.Should().BeFalse();
        outcome.Http!.FailedAssertion.Should().Be("redirects");
        outcome.Http.Redirects.Should().Be(2);
        outcome.Reason.Should().Be("more than 2 redirects (HTTP 302 to " + Targets.HttpUrl("/redirect/0") + ")");
    }

    [Fact]
    public async Task A_redirect_loop_stops_at_the_maximum()
    {
        var outcome = await Run(Targets.HttpUrl("/redirect-loop"), s => s with { MaxRedirects = 5 });

        outcome.Success.Should().BeFalse();
        outcome.Http!.FailedAssertion.Should().Be("redirects");
        outcome.Http.Redirects.Should().Be(5);
    }

    [Fact]
    public async Task A_redirect_to_https_is_followed_with_tls_timings_of_the_final_request()
    {
        var target = Uri.EscapeDataString(Targets.HttpsUrl("/text?body=secure"));
        var outcome = await Run(Targets.HttpUrl($"/redirect-to?url={target}"), s => s with { VerifyTls = false, CertificateExpiryWarningDays = 0, BodyContains = "secure" });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.Redirects.Should().Be(1);
        outcome.Http.FinalUrl.Should().Be(Targets.HttpsUrl("/text?body=secure"));
        outcome.Http.TlsMs.Should().NotBeNull();
        outcome.Http.CertificateExpiresAt.Should().NotBeNull();
    }

    [Fact]
    public async Task A_307_redirect_keeps_the_method_and_body_and_a_303_turns_a_post_into_a_get()
    {
        var echo = Uri.EscapeDataString(Targets.HttpUrl("/echo"));
        var kept = await Run(Targets.HttpUrl($"/redirect-to?url={echo}&status=307"), s => s with { HttpMethod = "POST", Body = "payload", BodyContains = "method: POST" });
        kept.Success.Should().BeTrue(kept.Reason);

        var changed = await Run(Targets.HttpUrl($"/redirect-to?url={echo}"), s => s with { HttpMethod = "POST", Body = "payload", BodyContains = "method: GET" });
        changed.Success.Should().BeTrue(changed.Reason);
    }

    [Fact]
    public async Task A_self_signed_certificate_fails_verification_with_a_clear_reason()
    {
        var outcome = await Run(Targets.HttpsUrl("/"));

        outcome.Success.Should().BeFalse();
        outcome.Http!.StatusCode.Should().BeNull();
        outcome.Reason.Should().Be("TLS certificate not trusted: the certificate is self-signed (UntrustedRoot) (turn TLS verification off to accept it)");
        outcome.Http.CertificateExpiresAt.Should().NotBeNull();
        outcome.ResponseTimeMs.Should().BeNull();
    }

    [Fact]
    public async Task With_verification_off_the_certificate_is_accepted_and_its_expiry_read()
    {
        var outcome = await Run(Targets.HttpsUrl("/"), s => s with { VerifyTls = false, CertificateExpiryWarningDays = 2 });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.CertificateExpiresAt.Should().BeCloseTo(new DateTimeOffset(Targets.Certificate.NotAfter.ToUniversalTime()), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_certificate_expiring_within_the_warning_days_fails()
    {
        var outcome = await Run(Targets.HttpsUrl("/"), s => s with { VerifyTls = false, CertificateExpiryWarningDays = 14 });

        outcome.Success.Should().BeFalse();
        outcome.Http!.StatusCode.Should().Be(200);
        outcome.Http.FailedAssertion.Should().Be("certificate-expiry");
        outcome.Reason.Should().MatchRegex(@"^certificate expires in [45](\.\d)? days \(\d{4}-\d\d-\d\d\), within the 14-day warning$");
    }

    [Fact]
    public async Task A_refused_connection_is_reported()
    {
        var outcome = await Run($"http://127.0.0.1:{Targets.ClosedPort}/");

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"connection refused by 127.0.0.1:{Targets.ClosedPort}");
        outcome.Http!.StatusCode.Should().BeNull();
    }

    [Fact]
    public async Task A_slow_answer_times_out_naming_the_phase()
    {
        var outcome = await Run(Targets.HttpUrl("/slow/5000"), s => s with { Timeout = TimeSpan.FromMilliseconds(300) });

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"timed out after 0.3 s waiting for first byte (127.0.0.1:{Targets.HttpPort})");
        outcome.DurationMs.Should().BeLessThan(5000);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_reported()
    {
        var outcome = await Run("http://no-such-host.invalid/");

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith("cannot resolve no-such-host.invalid");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("/relative")]
    public async Task A_target_that_is_not_an_http_url_is_named(string target)
    {
        var outcome = await Run(target);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"'{target}' is not an absolute http:// or https:// URL");
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/")]
    public async Task The_metadata_service_is_refused_at_run_time(string url)
    {
        var outcome = await Run(url);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it");
    }

    [Fact]
    public async Task A_redirect_to_the_metadata_service_is_refused_at_run_time()
    {
        var outcome = await Run(Targets.HttpUrl("/redirect-to?url=" + Uri.EscapeDataString("http://169.254.169.254/latest/meta-data/iam/")));

        outcome.Success.Should().BeFalse();
        outcome.Http!.Redirects.Should().Be(1);
        outcome.Http.StatusCode.Should().BeNull();
        outcome.Http.FinalUrl.Should().Be("http://169.254.169.254/latest/meta-data/iam/");
        outcome.Reason.Should().Be("169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it");
    }

    [Fact]
    public async Task A_target_that_goes_down_and_comes_back_fails_then_passes()
    {
        await using var own = await LoopbackTargets.StartAsync();
        (await Run(own.HttpUrl("/"))).Success.Should().BeTrue();

        await own.StopHttpAsync();
        var down = await Run(own.HttpUrl("/"));
        down.Success.Should().BeFalse();
        down.Reason.Should().Be($"connection refused by 127.0.0.1:{own.HttpPort}");

        await own.StartHttpAsync();
        (await Run(own.HttpUrl("/"))).Success.Should().BeTrue();
    }
}
