using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// What a TLS test reports of the server's certificate — subject, issuer, validity and subject
/// alternative names — read from its DER bytes (RFC 5280's TBSCertificate) by System.Formats.Asn1.
/// Why not <see cref="X509Certificate2"/>'s properties: on Linux each of them goes through OpenSSL 3,
/// and reading these five cost about 150 µs of CPU per run (a handshake's client side is about
/// 1 ms); the DER walk costs about 3 µs. Names are worded by <see cref="X500DistinguishedName"/>, as
/// <see cref="X509Certificate.Subject"/> words them. A certificate this cannot read (OpenSSL is more
/// lenient than a DER reader) falls back to the properties.
/// </summary>
internal sealed record LeafFields(string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, List<string> Sans)
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag Version = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Extensions = new(TagClass.ContextSpecific, 3, isConstructed: true);

    public static LeafFields Of(X509Certificate2 certificate)
    {
        try
        {
            return Read(certificate.RawDataMemory);
        }
        catch (Exception ex) when (ex is AsnContentException or System.Security.Cryptography.CryptographicException)
        {
            return new LeafFields(certificate.Subject, certificate.Issuer, Utc(certificate.NotBefore), Utc(certificate.NotAfter), SubjectAlternativeNames(certificate));
        }
    }

    internal static LeafFields Read(ReadOnlyMemory<byte> der)
    {
        var tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Version)) tbs.ReadSequence(Version);
        tbs.ReadIntegerBytes();
        tbs.ReadSequence(); // signature algorithm
        var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span).Name;
        var validity = tbs.ReadSequence();
        var notBefore = ReadTime(validity);
        var notAfter = ReadTime(validity);
        var subject = new X500DistinguishedName(tbs.ReadEncodedValue().Span).Name;
        tbs.ReadSequence(); // subject public key info
        var sans = new List<string>();
        while (tbs.HasData)
        {
            if (!tbs.PeekTag().HasSameClassAndValue(Extensions))
            {
                tbs.ReadEncodedValue(); // issuer or subject unique id
                continue;
            }
            var extensions = tbs.ReadSequence(Extensions).ReadSequence();
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var oid = extension.ReadObjectIdentifier();
                var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                var value = extension.ReadOctetString();
                if (oid == SubjectAlternativeNameOid) sans.AddRange(Names(new X509SubjectAlternativeNameExtension(value, critical)));
            }
        }
        return new LeafFields(subject, issuer, notBefore, notAfter, sans);
    }

    /// <summary>DNS names, then IP addresses, as the certificate lists them.</summary>
    internal static List<string> SubjectAlternativeNames(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(Names)];

    private static IEnumerable<string> Names(X509SubjectAlternativeNameExtension extension) =>
        extension.EnumerateDnsNames().Concat(extension.EnumerateIPAddresses().Select(a => a.ToString()));

    private static DateTimeOffset ReadTime(AsnReader validity) =>
        validity.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? validity.ReadUtcTime() : validity.ReadGeneralizedTime();

    private static DateTimeOffset Utc(DateTime local) => new(local.ToUniversalTime(), TimeSpan.Zero);
}
