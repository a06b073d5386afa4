using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>Certificates made by the test: a root CA of its own (trusted by nobody) and leaves it signs, or self-signed ones.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed root CA "BAC Test Root CA", valid for a year.</summary>
    public static X509Certificate2 RootCa()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=BAC Test Root CA, O=BlazorAwsConsole tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
    }

    /// <summary>An intermediate CA "BAC Test Intermediate CA" signed by <paramref name="root"/>, valid for 300 days (within the root's year), with its private key.</summary>
    public static X509Certificate2 IntermediateCa(X509Certificate2 root)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=BAC Test Intermediate CA, O=BlazorAwsConsole tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var signed = request.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(300), RandomNumberGenerator.GetBytes(12));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// A server certificate for <paramref name="names"/> (DNS names or IPs), valid from yesterday for <paramref name="validFor"/>; signed by <paramref name="issuer"/>, or self-signed.
    /// <paramref name="caIssuersUrl"/> and <paramref name="ocspUrl"/>, when given, go in its Authority Information Access extension.
    /// </summary>
    public static X509Certificate2 Server(string commonName, IEnumerable<string> names, TimeSpan validFor, X509Certificate2? issuer = null,
        string? caIssuersUrl = null, string? ocspUrl = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip); else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        if (caIssuersUrl is not null || ocspUrl is not null)
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(
                ocspUrl is null ? null : [ocspUrl], caIssuersUrl is null ? null : [caIssuersUrl]));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.Add(validFor);
        if (issuer is null) return request.CreateSelfSigned(notBefore, notAfter);
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = request.Create(issuer, notBefore, notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate and its private key as PEM files in <paramref name="directory"/>; returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, string name)
    {
        var cert = Path.Combine(directory, name + ".crt");
        var key = Path.Combine(directory, name + ".key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }
}
