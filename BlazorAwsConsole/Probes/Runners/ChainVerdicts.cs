using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>Whether a certificate chain builds to a root this machine trusts, and if not why.</summary>
internal sealed record ChainVerdict(bool Valid, string? Error);

/// <summary>
/// Builds the chain of a server's certificate against the machine's trusted roots, as SslStream
/// would (revocation not checked, missing intermediates fetched), outside the handshake. The
/// handshake itself is told to trust no root (<see cref="HandshakePolicy"/>): on Linux every chain
/// built with the system's roots copies them all into a new OpenSSL store, which was half of a TLS
/// test's CPU. A test that verifies the chain builds it on every run (<see cref="Verify"/>); one that
/// only reports it (<c>verifyChain: false</c>) reuses the verdict on the same certificates for up
/// to <see cref="ReportedVerdictLifetime"/> (<see cref="Reported"/>).
/// </summary>
internal static class ChainVerdicts
{
    public static readonly TimeSpan ReportedVerdictLifetime = TimeSpan.FromMinutes(10);
    private const int MaxRemembered = 10_000;
    private static readonly ConcurrentDictionary<string, (ChainVerdict Verdict, DateTimeOffset Until)> Remembered = new();

    /// <summary>The handshake's own chain check: no trusted root, nothing fetched (its verdict is not used).</summary>
    public static X509ChainPolicy HandshakePolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    public static ChainVerdict Verify(X509Certificate2 leaf, X509Certificate2Collection sent)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(sent);
        try
        {
            if (chain.Build(leaf)) return new ChainVerdict(true, null);
            var statuses = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => $"{s.Status}: {s.StatusInformation.Trim()}").Distinct().ToList();
            return new ChainVerdict(false, statuses.Count > 0 ? string.Join("; ", statuses) : "the chain could not be built");
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, leaf)) element.Certificate.Dispose();
            }
        }
    }

    public static ChainVerdict Reported(X509Certificate2 leaf, X509Certificate2Collection sent, DateTimeOffset now)
    {
        var key = Key(leaf, sent);
        if (Remembered.TryGetValue(key, out var known) && known.Until > now) return known.Verdict;
        var verdict = Verify(leaf, sent);
        if (Remembered.Count >= MaxRemembered) Remembered.Clear();
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        Remembered[key] = (verdict, notAfter < now + ReportedVerdictLifetime ? notAfter : now + ReportedVerdictLifetime);
        return verdict;
    }

    /// <summary>The SHA-256 of every certificate the server sent, leaf first.</summary>
    private static string Key(X509Certificate2 leaf, X509Certificate2Collection sent)
    {
        var key = leaf.GetCertHashString(HashAlgorithmName.SHA256);
        foreach (var certificate in sent)
        {
            if (!certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) key += "/" + certificate.GetCertHashString(HashAlgorithmName.SHA256);
        }
        return key;
    }
}
