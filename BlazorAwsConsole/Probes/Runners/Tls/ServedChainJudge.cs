using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Probes.Runners.Tls;

/// <summary>What the TLS check concludes from the certificates a server sent, for one server name.</summary>
internal sealed record ServedChainJudgement(LeafFields Leaf, bool HostnameMatches, ChainVerdict Chain);

/// <summary>
/// Judges the certificates a server sent (DER, leaf first) for a server name: the leaf's fields
/// (<see cref="LeafFields"/>), whether it names the server (<see cref="X509Certificate2.MatchesHostname"/>:
/// DNS and IP names, wildcards, the subject's CN only without SANs — RFC 6125, as SslStream checks it) and
/// whether the chain builds to a trusted root (<see cref="ChainVerdicts.Verify"/>, which downloads nothing).
/// <para>
/// The same certificates for the same name give the same answer, so it is remembered: parsing the
/// certificates and building the chain cost several times the handshake, and a check sees the same
/// certificates run after run. The key is the SHA-256 of every certificate sent, in order, and the name,
/// so a renewed or re-ordered chain is judged afresh. An answer is kept at most <see cref="Lifetime"/> and
/// never past the leaf's notAfter (or, while it is not yet valid, its notBefore), when the chain's verdict
/// changes (after notAfter it no longer does); at most <see cref="MaxRemembered"/> answers (the cache is emptied when full). A test that
/// verifies the chain (<c>verifyChain: true</c>) still builds it on every run, as before this cache: its
/// verdict follows the machine's trust store at once; only the fields and the name's verdict come from here.
/// Expiry and the minimum version are judged per run (<see cref="TlsCheck.Failure"/>), never remembered.
/// </para>
/// </summary>
internal static class ServedChainJudge
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const int MaxRemembered = 4_096;

    // Process-wide on purpose: every TLS check shares it; entries are immutable and bounded.
    private static readonly ConcurrentDictionary<string, (ServedChainJudgement Judgement, DateTimeOffset Until)> Remembered = new();

    public static ServedChainJudgement Judge(IReadOnlyList<byte[]> chain, string serverName, bool verifyChain, DateTimeOffset now)
    {
        var key = Key(chain, serverName);
        if (Remembered.TryGetValue(key, out var known) && known.Until > now)
            return verifyChain ? known.Judgement with { Chain = Verify(chain) } : known.Judgement;

        var certificates = Load(chain);
        try
        {
            var leaf = certificates[0];
            var fields = LeafFields.Of(leaf);
            var judgement = new ServedChainJudgement(fields, Names(leaf, serverName), ChainVerdicts.Verify(leaf, Sent(certificates)));
            if (Remembered.Count >= MaxRemembered) Remembered.Clear();
            Remembered[key] = (judgement, Until(fields, now));
            return judgement;
        }
        finally
        {
            foreach (var certificate in certificates) certificate.Dispose();
        }
    }

    private static ChainVerdict Verify(IReadOnlyList<byte[]> chain)
    {
        var certificates = Load(chain);
        try
        {
            return ChainVerdicts.Verify(certificates[0], Sent(certificates));
        }
        finally
        {
            foreach (var certificate in certificates) certificate.Dispose();
        }
    }

    private static bool Names(X509Certificate2 leaf, string serverName)
    {
        try
        {
            return leaf.MatchesHostname(serverName.Trim().Trim('[', ']'));
        }
        catch (ArgumentException)
        {
            return false; // not a name any certificate can match (empty, or not a host name at all)
        }
    }

    private static DateTimeOffset Until(LeafFields leaf, DateTimeOffset now)
    {
        var until = now + Lifetime;
        // An expired certificate's verdicts no longer change; a valid one's change when it expires.
        if (leaf.NotAfter > now && leaf.NotAfter < until) until = leaf.NotAfter;
        if (leaf.NotBefore > now && leaf.NotBefore < until) until = leaf.NotBefore;
        return until;
    }

    private static X509Certificate2Collection Sent(List<X509Certificate2> certificates) => [.. certificates.Skip(1)];

    private static List<X509Certificate2> Load(IReadOnlyList<byte[]> chain)
    {
        var certificates = new List<X509Certificate2>(chain.Count);
        try
        {
            foreach (var der in chain) certificates.Add(X509CertificateLoader.LoadCertificate(der));
            return certificates;
        }
        catch (CryptographicException ex)
        {
            foreach (var certificate in certificates) certificate.Dispose();
            throw new AuthenticationException($"the server's certificate cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>SHA-256 over each certificate (length-prefixed, in the order sent), then the server name.</summary>
    private static string Key(IReadOnlyList<byte[]> chain, string serverName)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var der in chain)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, der.Length);
            hash.AppendData(length);
            hash.AppendData(der);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexString(digest) + "|" + serverName;
    }
}
