using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>Whether a certificate chain builds to a root this machine trusts, and if not why.</summary>
internal sealed record ChainVerdict(bool Valid, string? Error);

/// <summary>
/// Builds the chain of a server's certificate against the machine's trusted roots, outside the
/// handshake, from what the server sent and nothing else. No chain build in the console downloads
/// anything (<see cref="NoDownloads"/>): a certificate names the URLs a builder would fetch (its
/// issuer's and, for revocation, OCSP and CRL), so its author could make the console send requests
/// wherever they like (169.254.169.254 included), past <see cref="TargetGuard"/>, and hold a worker
/// until they time out. A missing intermediate is reported instead (<see cref="Incomplete"/>): a
/// server must send it, and clients that do not fetch (most non-browser ones) fail the same way.
/// Revocation is not checked (no test asks for it; checking would mean fetching OCSP or CRL URLs). The
/// handshake itself is told to trust no root (<see cref="HandshakePolicy"/>): on Linux every chain
/// built with the system's roots copies them all into a new OpenSSL store, which was half of a TLS
/// test's CPU. The TLS check remembers verdicts on the certificates it was sent (Tls/ServedChainJudge.cs).
/// </summary>
internal static class ChainVerdicts
{
    /// <summary>Why a chain is not trusted when the server left out an intermediate (the leaf's issuer is neither sent nor a trusted root).</summary>
    public const string Incomplete = "chain incomplete: the server did not send its intermediate certificate";

    /// <summary>The handshake's own chain check: no trusted root, nothing fetched (its verdict is not used).</summary>
    public static X509ChainPolicy HandshakePolicy()
    {
        var policy = NoDownloads();
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        return policy;
    }

    /// <summary>
    /// The machine's trusted roots, no download, no revocation check: for every chain the probes build,
    /// SslStream's included (its default policy downloads). A new one each time, as the policy is mutable.
    /// </summary>
    public static X509ChainPolicy NoDownloads() => new()
    {
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    public static ChainVerdict Verify(X509Certificate2 leaf, X509Certificate2Collection sent)
    {
        using var chain = new X509Chain { ChainPolicy = NoDownloads() };
        chain.ChainPolicy.ExtraStore.AddRange(sent);
        try
        {
            if (chain.Build(leaf)) return new ChainVerdict(true, null);
            var reasons = Reasons(chain.ChainStatus, s => $"{s.Status}: {s.StatusInformation.Trim()}");
            return new ChainVerdict(false, reasons.Count > 0 ? string.Join("; ", reasons) : "the chain could not be built");
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, leaf)) element.Certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// Each distinct problem of a chain that did not build, worded by <paramref name="describe"/>, except
    /// a partial chain, which is <see cref="Incomplete"/> and comes first.
    /// </summary>
    public static List<string> Reasons(IEnumerable<X509ChainStatus> statuses, Func<X509ChainStatus, string> describe)
    {
        var problems = statuses.Where(s => s.Status != X509ChainStatusFlags.NoError).ToList();
        var reasons = problems.Any(s => s.Status == X509ChainStatusFlags.PartialChain) ? new List<string> { Incomplete } : [];
        reasons.AddRange(problems.Where(s => s.Status != X509ChainStatusFlags.PartialChain).Select(describe).Distinct());
        return reasons;
    }
}
