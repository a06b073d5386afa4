using System.Globalization;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm.Parsers;

/// <summary>
/// The http script: curl's -w line (status, cumulative times in seconds, size, redirects, final URL,
/// exit code and message), the certificate's expiry from curl -v, and the body checks. Phase timings
/// in <see cref="HttpDetails"/> are per phase (DNS, then connect, then TLS, then waiting for the first
/// byte), derived from curl's cumulative times; <see cref="HttpDetails.TotalMs"/> is the whole request.
/// </summary>
internal static partial class HttpOutputParser
{
    public static ProbeOutcome Parse(SsmOutput output, ProbeSpec spec, DateTimeOffset startedAt)
    {
        var code = output.Int("http_code") is { } c and > 0 ? c : (int?)null;
        var dns = Seconds(output, "time_namelookup");
        var connect = Seconds(output, "time_connect");
        var tls = Seconds(output, "time_appconnect");
        var firstByte = Seconds(output, "time_starttransfer");
        var total = Seconds(output, "time_total");
        var details = new HttpDetails
        {
            StatusCode = code,
            DnsMs = dns,
            ConnectMs = connect is null ? null : connect - (dns ?? 0),
            TlsMs = tls is null || connect is null ? null : tls - connect,
            FirstByteMs = firstByte is null ? null : firstByte - (tls ?? connect ?? 0),
            TotalMs = total,
            ResponseBytes = long.TryParse(output.Value("size_download"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : null,
            CertificateExpiresAt = CertificateExpiry(output.Value("cert_expire")),
            Redirects = output.Int("num_redirects") ?? 0,
            FinalUrl = NullIfEmpty(output.Value("url_effective")),
        };
        var (failed, reason) = Assess(output, spec, details, startedAt);
        return new ProbeOutcome
        {
            Success = reason is null,
            Reason = reason ?? $"HTTP {code} in {ParsedText.Ms(total ?? 0)}",
            StartedAt = default,
            DurationMs = 0,
            ResponseTimeMs = code is null ? null : total,
            Http = details with { FailedAssertion = failed },
        };
    }

    private static (string? Assertion, string? Reason) Assess(SsmOutput output, ProbeSpec spec, HttpDetails details, DateTimeOffset startedAt)
    {
        var curlExit = output.Int("curl_exit") ?? output.ExitCode ?? 0;
        var message = output.Value("errormsg")?.Trim();
        if (curlExit != 0)
        {
            return curlExit switch
            {
                6 => (null, $"cannot resolve the host: {message}"),
                7 => (null, $"connection failed: {message}"),
                28 => (null, $"timed out after {spec.Timeout.TotalSeconds:0.#} s: {message}"),
                47 => ("redirects", $"more than {spec.MaxRedirects} redirects: {message}"),
                35 => (null, $"TLS handshake failed: {message}"),
                51 or 60 => (null, $"TLS certificate not trusted: {message}"),
                _ => (null, $"curl error {curlExit}: {message}"),
            };
        }
        if (!StatusCodeRanges.TryParse(spec.ExpectedStatus, out var ranges, out var statusError))
            return ("status", $"expected status: {statusError}");
        if (details.StatusCode is not { } status || !ranges.Contains(status))
            return ("status", $"HTTP {details.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no status"}, expected {ranges}");
        // The spec decides what is checked; a check the script did not report counts as failed.
        if (!string.IsNullOrEmpty(spec.BodyContains) && output.Value("body_contains") != "1")
            return ("body-contains", $"HTTP {status} but the body does not contain {ParsedText.Quote(spec.BodyContains ?? "")}");
        if (!string.IsNullOrEmpty(spec.BodyMatchesRegex))
        {
            var body = ParsedText.Base64Text(output.Value("body_b64")) ?? "";
            if (!Regex.IsMatch(body, spec.BodyMatchesRegex, RegexOptions.None, TimeSpan.FromSeconds(1)))
                return ("body-regex", $"HTTP {status} but the body (first {SsmProbeScripts.BodyBytesReturned:N0} bytes) does not match /{spec.BodyMatchesRegex}/");
        }
        if (!string.IsNullOrEmpty(spec.BodyMustNotContain) && output.Value("body_must_not_contain") != "0")
            return ("body-must-not-contain", $"HTTP {status} but the body contains {ParsedText.Quote(spec.BodyMustNotContain ?? "")}");
        if (spec.JsonAssertions.Count > 0)
        {
            // The script returns the body's first bytes only; a longer JSON body cannot be parsed whole.
            var body = ParsedText.Base64Text(output.Value("body_b64")) ?? "";
            var note = (details.ResponseBytes ?? 0) > SsmProbeScripts.BodyBytesReturned ? $" (first {SsmProbeScripts.BodyBytesReturned:N0} bytes)" : "";
            if (Json.JsonAssertions.Check(spec.JsonAssertions, body, note) is { } jsonFailure)
                return ("json", $"HTTP {status} but {jsonFailure}");
        }
        if (details.CertificateExpiresAt is { } expires && spec.CertificateExpiryWarningDays > 0
            && expires - startedAt < TimeSpan.FromDays(spec.CertificateExpiryWarningDays))
        {
            var days = (int)Math.Floor((expires - startedAt).TotalDays);
            return ("certificate-expiry", days < 0
                ? $"HTTP {status} but the certificate expired on {expires:yyyy-MM-dd}"
                : $"HTTP {status} but the certificate expires on {expires:yyyy-MM-dd} (in {days} days; warning at {spec.CertificateExpiryWarningDays})");
        }
        return (null, null);
    }

    /// <summary>curl's cumulative seconds as milliseconds; 0 means the phase did not happen.</summary>
    private static double? Seconds(SsmOutput output, string key) => output.Double(key) is { } s and > 0 ? s * 1000 : null;

    /// <summary>"Dec 30 08:36:40 2027 GMT", as curl -v prints OpenSSL's notAfter.</summary>
    private static DateTimeOffset? CertificateExpiry(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var normalized = Spaces().Replace(text.Trim(), " ");
        return DateTimeOffset.TryParseExact(normalized, "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
