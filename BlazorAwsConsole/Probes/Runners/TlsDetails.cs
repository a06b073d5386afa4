using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>What a TLS test's handshake and the server's (leaf) certificate showed.</summary>
public sealed record TlsDetails
{
    /// <summary>Subject alternative names stored per run; a certificate may carry thousands.</summary>
    public const int MaxSans = 100;
    /// <summary>Characters stored per field or name: nothing bounds a subject's length but the certificate's maker.</summary>
    public const int MaxChars = 512;

    public string? Subject { get; init; }
    public string? Issuer { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    /// <summary>Calendar days (UTC) from the run to the certificate's last day; negative once it expired.</summary>
    public int? DaysLeft { get; init; }
    /// <summary>As OpenSSL names it: TLSv1.2, TLSv1.3.</summary>
    public string? TlsVersion { get; init; }
    public string? CipherSuite { get; init; }
    /// <summary>The chain builds to a root this machine trusts (reported also when <c>verifyChain</c> is off).</summary>
    public bool? ChainValid { get; init; }
    /// <summary>The certificate names the server name (SNI) asked for.</summary>
    public bool? HostnameMatches { get; init; }
    /// <summary>Subject alternative names: DNS names and IP addresses.</summary>
    public List<string> Sans { get; init; } = [];
    public double? ConnectMs { get; init; }
    /// <summary>The TLS handshake alone, after the TCP connect.</summary>
    public double? HandshakeMs { get; init; }
    /// <summary>Why the chain is not trusted, in the platform's words (e.g. "UntrustedRoot: self-signed certificate"); null when it is.</summary>
    public string? ChainError { get; init; }

    /// <summary>
    /// These details as a run stores them: at most <see cref="MaxSans"/> names, then "(truncated: 200 more)",
    /// and no field longer than <see cref="MaxChars"/>. The verdict is reached on the whole certificate
    /// first; only what is kept is bounded, whoever produced it (runner or SSM parser).
    /// </summary>
    public TlsDetails Capped() => this with
    {
        Subject = Truncation.Text(Subject, MaxChars),
        Issuer = Truncation.Text(Issuer, MaxChars),
        TlsVersion = Truncation.Text(TlsVersion, MaxChars),
        CipherSuite = Truncation.Text(CipherSuite, MaxChars),
        ChainError = Truncation.Text(ChainError, MaxChars),
        Sans = Truncation.List(Sans, MaxSans).Select(name => Truncation.Text(name, MaxChars)).ToList(),
    };
}
