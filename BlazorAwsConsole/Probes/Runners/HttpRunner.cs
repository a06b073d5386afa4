using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// HTTP check: one HTTP/1.1 request per hop on a fresh connection (<see cref="HttpOneRequest"/>), redirects
/// followed here (so they are counted and each hop is guarded), the body read to the end (the first
/// <see cref="AssertedBodyLimit"/> bytes kept for the body checks, the rest only counted), then the
/// checks in order: status, certificate expiry, body contains, body regex, body must not contain, JSON assertions.
/// </summary>
/// <remarks>
/// Phase timings follow curl's -w times: DnsMs, ConnectMs, TlsMs and FirstByteMs are milliseconds from
/// the start of the final request (after any redirects) to the end of that phase, so
/// DNS ≤ connect ≤ TLS ≤ first byte; TotalMs is the whole probe, redirects and body included.
/// </remarks>
public sealed class HttpRunner(TimeProvider time) : IProbeRunner
{
    public const int AssertedBodyLimit = 1 << 20;
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    public ProbeType Type => ProbeType.Http;

    public async Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var start = Stopwatch.GetTimestamp();
        var details = new HttpDetails();
        ProbeOutcome Done(bool success, string reason, string? failedAssertion = null)
        {
            details = details with { FailedAssertion = success ? null : failedAssertion };
            return new ProbeOutcome
            {
                Success = success,
                Reason = reason,
                StartedAt = startedAt,
                DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
                ResponseTimeMs = details.StatusCode is null ? null : details.TotalMs,
                Http = details,
            };
        }

        if (!Uri.TryCreate(spec.Target.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return Done(false, $"'{spec.Target}' is not an absolute http:// or https:// URL");
        if (!StatusCodeRanges.TryParse(spec.ExpectedStatus, out var expected, out var statusError))
            return Done(false, $"expected status: {statusError}");
        HttpMethod method;
        try
        {
            method = HttpMethod.Parse(string.IsNullOrWhiteSpace(spec.HttpMethod) ? "GET" : spec.HttpMethod.Trim().ToUpperInvariant());
        }
        catch (FormatException)
        {
            return Done(false, $"'{spec.HttpMethod}' is not an HTTP method");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var body = spec.Body;
        var exchange = new HttpExchange { StartedAt = start, UsesTls = url.Scheme == Uri.UriSchemeHttps };
        HttpAnswer? answer = null;
        try
        {
            while (true)
            {
                exchange = new HttpExchange { StartedAt = Stopwatch.GetTimestamp(), UsesTls = url.Scheme == Uri.UriSchemeHttps };
                // Until this hop answers, the result is about this URL (a redirect's failing target, say).
                details = details with { StatusCode = null, FinalUrl = url.AbsoluteUri };
                answer = await HttpOneRequest.SendAsync(url, method.Method, spec, body, exchange, timeout.Token);
                var status = answer.Head.StatusCode;
                details = details with { StatusCode = status, CertificateExpiresAt = exchange.CertificateExpiresAt ?? details.CertificateExpiresAt };
                if (!spec.FollowRedirects || RedirectTarget(url, answer.Head) is not { } next) break;
                if (details.Redirects >= spec.MaxRedirects)
                {
                    details = Timed(details, exchange, start);
                    return Done(false, $"more than {spec.MaxRedirects} redirect{(spec.MaxRedirects == 1 ? "" : "s")} (HTTP {status} to {next})", "redirects");
                }
                if (RedirectChangesToGet(status, method))
                {
                    method = HttpMethod.Get;
                    body = null;
                }
                details = details with { Redirects = details.Redirects + 1 };
                await answer.DisposeAsync();
                answer = null;
                url = next;
            }

            var kept = NeedsBody(spec) ? new MemoryStream() : null;
            var size = await answer.ReadBodyAsync(method == HttpMethod.Head, kept is null ? null : bytes =>
            {
                if (kept.Length < AssertedBodyLimit) kept.Write(bytes[..(int)Math.Min(bytes.Length, AssertedBodyLimit - kept.Length)]);
            }, timeout.Token);
            details = Timed(details with { ResponseBytes = size }, exchange, start);
            var (ok, reason, failed) = Check(spec, expected, details, kept is null ? null : DecodeBody(kept, answer.Head.ContentType));
            return Done(ok, reason, failed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            details = Timed(details, exchange, start);
            return Done(false, $"timed out after {spec.Timeout.TotalSeconds:0.#} s waiting for {exchange.Phase} ({url.Authority})");
        }
        catch (HttpProbeException ex)
        {
            return Done(false, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or SocketException or DialRefusedException or System.Security.Authentication.AuthenticationException)
        {
            details = Timed(details, exchange, start);
            return Done(false, ReasonOf(ex, exchange, url));
        }
        finally
        {
            if (answer is not null) await answer.DisposeAsync();
        }
    }

    private static HttpDetails Timed(HttpDetails details, HttpExchange exchange, long probeStart)
    {
        double? Mark(long at) => at == 0 ? null : TcpDialer.Ms(exchange.StartedAt, at);
        return details with
        {
            DnsMs = Mark(exchange.ResolvedAt),
            ConnectMs = Mark(exchange.ConnectedAt),
            TlsMs = Mark(exchange.TlsDoneAt),
            FirstByteMs = Mark(exchange.FirstByteAt),
            TotalMs = TcpDialer.Ms(probeStart, Stopwatch.GetTimestamp()),
            // Read during the handshake, so it is known even when verification then refused the certificate.
            CertificateExpiresAt = exchange.CertificateExpiresAt ?? details.CertificateExpiresAt,
        };
    }

    private static Uri? RedirectTarget(Uri current, HttpResponseHead head)
    {
        if (head.StatusCode is not (301 or 302 or 303 or 307 or 308) || string.IsNullOrWhiteSpace(head.Location)) return null;
        // Resolved against the current URL: an absolute Location replaces it, "/path" or "path" is relative to it.
        if (!Uri.TryCreate(current, head.Location.Trim(), out var next)) return null;
        return next.Scheme == Uri.UriSchemeHttp || next.Scheme == Uri.UriSchemeHttps ? next : null;
    }

    /// <summary>As browsers do: 303 always, 301/302 for a POST, turn into a GET without a body.</summary>
    private static bool RedirectChangesToGet(int status, HttpMethod method) =>
        (status == 303 && method != HttpMethod.Head) || (status is 301 or 302 && method == HttpMethod.Post);

    private static bool NeedsBody(ProbeSpec spec) =>
        !string.IsNullOrEmpty(spec.BodyContains) || !string.IsNullOrEmpty(spec.BodyMatchesRegex) || !string.IsNullOrEmpty(spec.BodyMustNotContain) || spec.JsonAssertions.Count > 0;

    private static string DecodeBody(MemoryStream kept, string? contentType)
    {
        var encoding = Encoding.UTF8;
        if (Charset(contentType) is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset);
            }
            catch (ArgumentException) { }
        }
        return encoding.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }

    /// <summary>The charset parameter of a Content-Type ("text/html; charset=\"utf-8\"" → utf-8), or null.</summary>
    internal static string? Charset(string? contentType)
    {
        if (contentType is null) return null;
        foreach (var parameter in contentType.Split(';').Skip(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
                return parameter[(equals + 1)..].Trim().Trim('"');
        }
        return null;
    }

    private (bool Ok, string Reason, string? Failed) Check(ProbeSpec spec, StatusCodeRanges expected, HttpDetails d, string? body)
    {
        var status = d.StatusCode!.Value;
        var after = d.Redirects > 0 ? $" after {d.Redirects} redirect{(d.Redirects == 1 ? "" : "s")}" : "";
        if (!expected.Contains(status)) return (false, $"HTTP {status}{after}, expected {expected}", "status");

        if (d.CertificateExpiresAt is { } expires && spec.CertificateExpiryWarningDays > 0)
        {
            var left = expires - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return (false, $"certificate expired on {expires:yyyy-MM-dd HH:mm} UTC", "certificate-expiry");
            if (left < TimeSpan.FromDays(spec.CertificateExpiryWarningDays))
                return (false, $"certificate expires in {left.TotalDays:0.#} days ({expires:yyyy-MM-dd}), within the {spec.CertificateExpiryWarningDays}-day warning", "certificate-expiry");
        }

        var limited = d.ResponseBytes > AssertedBodyLimit ? " (in the first MiB)" : "";
        if (!string.IsNullOrEmpty(spec.BodyContains) && !body!.Contains(spec.BodyContains, StringComparison.Ordinal))
            return (false, $"HTTP {status}, but the body lacks \"{spec.BodyContains}\"{limited}", "body-contains");
        if (!string.IsNullOrEmpty(spec.BodyMatchesRegex))
        {
            try
            {
                if (!System.Text.RegularExpressions.Regex.IsMatch(body!, spec.BodyMatchesRegex, System.Text.RegularExpressions.RegexOptions.None, RegexTimeout))
                    return (false, $"HTTP {status}, but the body does not match /{spec.BodyMatchesRegex}/{limited}", "body-regex");
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                return (false, $"the regex /{spec.BodyMatchesRegex}/ took longer than {RegexTimeout.TotalMilliseconds} ms on the body", "body-regex");
            }
            catch (ArgumentException ex)
            {
                return (false, $"the regex /{spec.BodyMatchesRegex}/ is not valid: {ex.Message}", "body-regex");
            }
        }
        if (!string.IsNullOrEmpty(spec.BodyMustNotContain) && body!.Contains(spec.BodyMustNotContain, StringComparison.Ordinal))
            return (false, $"HTTP {status}, but the body contains \"{spec.BodyMustNotContain}\"", "body-must-not-contain");
        if (Json.JsonAssertions.Check(spec.JsonAssertions, body ?? "", limited) is { } jsonFailure)
            return (false, $"HTTP {status}, but {jsonFailure}", "json");

        return (true, $"HTTP {status}{after} in {d.TotalMs:0.#} ms", null);
    }

    private static string ReasonOf(Exception ex, HttpExchange exchange, Uri url)
    {
        if (exchange.TlsRefusal is { } refusal) return refusal;
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DialRefusedException refused:
                    return refused.Message;
                case HttpProtocolException malformed:
                    return $"{url.Authority} sent a malformed HTTP response: {malformed.Message}";
                case SocketException socket when exchange.ConnectedAt == 0:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => $"connection refused by {url.Authority}",
                        SocketError.HostUnreachable => $"{url.Host} is unreachable",
                        SocketError.NetworkUnreachable => $"network unreachable for {url.Host}",
                        _ => $"cannot connect to {url.Authority}: {socket.Message}",
                    };
                case System.Security.Authentication.AuthenticationException auth:
                    return $"TLS handshake with {url.Authority} failed: {auth.Message}";
            }
        }
        var phase = exchange.Phase;
        return phase == "body"
            ? $"the response from {url.Authority} broke off: {ex.Message}"
            : $"{url.Authority} closed the connection before {(phase == "first byte" ? "answering" : phase)}: {(ex.InnerException ?? ex).Message}";
    }
}
