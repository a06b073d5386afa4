using System.Net;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes;

/// <summary>The TLS fields of <see cref="SyntheticTestValidator"/> (the port is checked with the common fields).</summary>
internal static class TlsTestRules
{
    public static void Apply(SyntheticTestDto input, SyntheticTest test, SyntheticTest candidate, Action<string, string> error)
    {
        candidate.TlsServerName = input.ServerName is null ? test.TlsServerName : input.ServerName.Trim() is { Length: > 0 } name ? name : null;
        // A test that becomes a TLS test starts verifying chains (rows older than TLS tests hold false).
        candidate.TlsVerifyChain = input.VerifyChain ?? (test.Type == ProbeType.Tls ? test.TlsVerifyChain : true);
        candidate.TlsMinVersion = input.MinTlsVersion is null ? test.TlsMinVersion : input.MinTlsVersion.Trim() is { Length: > 0 } version ? version : null;
        candidate.CertificateExpiryWarningDays = input.CertExpiryWarningDays ?? test.CertificateExpiryWarningDays;

        if (candidate.TlsServerName is { } serverName && (IPAddress.TryParse(serverName, out _) || Uri.CheckHostName(serverName) != UriHostNameType.Dns || serverName.Length > 253))
            error("serverName", $"'{serverName}' is not a host name to send as SNI (an IP address is never sent; leave it empty to use the target).");
        if (candidate.TlsMinVersion is { } min && !TlsCheck.Versions.Contains(min))
            error("minTlsVersion", $"Minimum TLS version must be one of {string.Join(", ", TlsCheck.Versions)}, or empty for any.");
        if (candidate.CertificateExpiryWarningDays is < 0 or > 365) error("certExpiryWarningDays", "Certificate warning must be between 0 and 365 days.");
    }
}
