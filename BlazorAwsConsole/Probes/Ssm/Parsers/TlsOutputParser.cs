using System.Globalization;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm.Parsers;

/// <summary>
/// The tls script: "BAC tls_ms" around openssl s_client, s_client's own lines ("New, TLSv1.3, Cipher is
/// TLS_AES_256_GCM_SHA384", "Verification error: self-signed certificate", OpenSSL error lines,
/// "connect:errno=111"), then openssl x509's view of the leaf certificate (subject=, issuer=,
/// notBefore=, notAfter=, the subject alternative names, "Hostname x does (NOT) match certificate").
/// </summary>
internal static partial class TlsOutputParser
{
    public static ProbeOutcome Parse(SsmOutput output, ProbeSpec spec, DateTimeOffset startedAt)
    {
        var host = spec.Target.Trim();
        var port = spec.Port ?? TlsCheck.DefaultPort;
        var handshakeMs = output.Double("tls_ms");
        var session = output.ToolLines.Select(l => NewSession().Match(l)).FirstOrDefault(m => m.Success);
        if (session is null)
        {
            var seconds = spec.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            var error = output.ToolLines.Select(OpensslReason).FirstOrDefault(r => r is not null);
            var reason = error switch
            {
                _ when output.ExitCode == 124 => $"no TLS handshake with {host}:{port} within {seconds} s",
                "Connection refused" => $"connection refused by {host}:{port}",
                _ when output.ToolLines.Any(ParsedText.IsNameResolutionFailure) => $"cannot resolve {host}",
                null => $"TLS handshake with {host}:{port} failed (openssl exit code {output.ExitCode})",
                _ => $"TLS handshake with {host}:{port} failed: {error}",
            };
            return new ProbeOutcome { Success = false, Reason = reason, StartedAt = default, DurationMs = 0 };
        }

        var verification = output.ToolLines.FirstOrDefault(l => l.StartsWith("Verification error:", StringComparison.Ordinal));
        var notAfter = Date(Field(output, "notAfter="));
        var details = new TlsDetails
        {
            HandshakeMs = handshakeMs,
            TlsVersion = session.Groups[1].Value,
            CipherSuite = session.Groups[2].Value,
            Subject = Name(Field(output, "subject=")),
            Issuer = Name(Field(output, "issuer=")),
            NotBefore = Date(Field(output, "notBefore=")),
            NotAfter = notAfter,
            DaysLeft = notAfter is { } end ? TlsCheck.DaysLeft(end, startedAt) : null,
            ChainValid = verification is null,
            ChainError = verification?["Verification error:".Length..].Trim(),
            HostnameMatches = output.ToolLines.Any(l => l.EndsWith(" does match certificate", StringComparison.Ordinal)) ? true
                : output.ToolLines.Any(l => l.EndsWith(" does NOT match certificate", StringComparison.Ordinal)) ? false : null,
            Sans = Sans(output.ToolLines),
        };
        var failure = details.Subject is null ? $"{host}:{port} sent no certificate" : TlsCheck.Failure(spec, details, startedAt);
        return new ProbeOutcome
        {
            Success = failure is null,
            Reason = failure ?? TlsCheck.Success(details),
            StartedAt = default,
            DurationMs = 0,
            ResponseTimeMs = handshakeMs,
            Tls = details,
        };
    }

    private static string? Field(SsmOutput output, string prefix) =>
        output.ToolLines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();

    /// <summary>RFC 2253 "CN=a,O=b" written as .NET writes names: "CN=a, O=b".</summary>
    private static string? Name(string? rfc2253) => rfc2253 is null ? null : UnescapedComma().Replace(rfc2253, ", ");

    /// <summary>"Dec  3 09:51:25 2026 GMT", as openssl x509 prints dates.</summary>
    private static DateTimeOffset? Date(string? text) =>
        text is not null && DateTimeOffset.TryParseExact(Spaces().Replace(text, " "), "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    /// <summary>The line after "X509v3 Subject Alternative Name:": "DNS:localhost, IP Address:127.0.0.1".</summary>
    private static List<string> Sans(List<string> lines)
    {
        var at = lines.FindIndex(l => l.StartsWith("X509v3 Subject Alternative Name:", StringComparison.Ordinal));
        if (at < 0 || at + 1 >= lines.Count) return [];
        return lines[at + 1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => name[(name.IndexOf(':') + 1)..]).ToList();
    }

    /// <summary>The reason field of an OpenSSL error line (hex:error:code:library:function:reason:file:line:).</summary>
    private static string? OpensslReason(string line)
    {
        var parts = line.Split(':');
        return parts.Length > 5 && parts[1] == "error" ? parts[5].Trim() : null;
    }

    [GeneratedRegex(@"^New, (TLSv[0-9.]+|SSLv3), Cipher is (\S+)")]
    private static partial Regex NewSession();

    [GeneratedRegex(@"(?<!\\),")]
    private static partial Regex UnescapedComma();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
