using System.Globalization;
using System.Security.Authentication;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// The verdict of a TLS test once the handshake succeeded, shared by the console's runner and the
/// SSM parser so both word it alike. Checked in this order: chain (when verified), name, minimum
/// version, expiry ("certificate expires in 5 days, 2026-12-03").
/// </summary>
public static class TlsCheck
{
    public static readonly string[] Versions = ["1.0", "1.1", "1.2", "1.3"];

    public const int DefaultPort = 443;

    /// <summary>The name sent as SNI and matched against the certificate.</summary>
    public static string ServerName(ProbeSpec spec) =>
        string.IsNullOrWhiteSpace(spec.TlsServerName) ? spec.Target.Trim().Trim('[', ']') : spec.TlsServerName.Trim();

    /// <summary>OpenSSL's name of a protocol version (TLSv1.2).</summary>
    public static string VersionName(SslProtocols protocol) => protocol switch
    {
#pragma warning disable SYSLIB0039, CS0618 // Old versions are named to report them, not to use them.
        SslProtocols.Tls => "TLSv1",
        SslProtocols.Tls11 => "TLSv1.1",
#pragma warning restore SYSLIB0039, CS0618
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        _ => protocol.ToString(),
    };

    /// <summary>"TLSv1.2" or "TLSv1" → 1.2 or 1.0; null for anything else.</summary>
    public static double? VersionNumber(string? name)
    {
        if (name is null) return null;
        var text = name.Trim().Replace("TLSv", "", StringComparison.OrdinalIgnoreCase).Replace("TLS", "", StringComparison.OrdinalIgnoreCase).Trim();
        if (text == "1") text = "1.0";
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>Calendar days (UTC) from <paramref name="now"/> to <paramref name="notAfter"/>.</summary>
    public static int DaysLeft(DateTimeOffset notAfter, DateTimeOffset now) => (notAfter.UtcDateTime.Date - now.UtcDateTime.Date).Days;

    /// <summary>Null when the certificate and handshake pass.</summary>
    public static string? Failure(ProbeSpec spec, TlsDetails details, DateTimeOffset now)
    {
        var name = ServerName(spec);
        if (spec.TlsVerifyChain && details.ChainValid == false)
            return $"certificate chain not trusted: {details.ChainError ?? "unknown reason"} (subject {details.Subject}, issuer {details.Issuer})";
        if (details.HostnameMatches == false)
            return $"certificate does not name {name} (subject {details.Subject}; names {(details.Sans.Count == 0 ? "none" : string.Join(", ", details.Sans))})";
        if (VersionNumber(spec.TlsMinVersion) is { } min && VersionNumber(details.TlsVersion) is { } got && got < min)
            return $"{details.TlsVersion} negotiated, below the minimum TLSv{spec.TlsMinVersion}";
        if (details.NotBefore is { } notBefore && notBefore > now)
            return $"certificate not valid before {notBefore:yyyy-MM-dd HH:mm} UTC";
        if (details.NotAfter is { } notAfter)
        {
            var days = DaysLeft(notAfter, now);
            if (notAfter <= now) return $"certificate expired {(days == 0 ? "today" : $"{-days} days ago")}, {notAfter:yyyy-MM-dd}";
            if (spec.CertificateExpiryWarningDays > 0 && notAfter - now < TimeSpan.FromDays(spec.CertificateExpiryWarningDays))
                return $"certificate expires in {days} days, {notAfter:yyyy-MM-dd}";
        }
        return null;
    }

    public static string Success(TlsDetails details) =>
        $"certificate valid for {details.DaysLeft} days (until {details.NotAfter:yyyy-MM-dd}), {details.TlsVersion} {details.CipherSuite}";
}
