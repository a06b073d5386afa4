using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

/// <summary>
/// The XML a data-protection key's secret part (its &lt;masterKey&gt;) is stored as: AES-256-GCM under the
/// key-encryption key, which the element names by fingerprint only. ASP.NET Core ships XML encryptors for a
/// certificate, DPAPI and Azure Key Vault, none for a symmetric key of our own (README, "Why our own key encryptor").
/// </summary>
internal static class KeyEncryptionKeyXml
{
    public static readonly XName Element = "encryptedWithKeyEncryptionKey";
    public const string KekAttribute = "kek";
    private const int TagBytes = 16;
    private const int NonceBytes = 12;

    public static XElement Encrypt(XElement plaintextElement, KeyEncryptionKey kek)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(kek.Key, TagBytes)) aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(kek.Fingerprint));
        CryptographicOperations.ZeroMemory(plaintext);
        return new XElement(Element,
            new XAttribute(KekAttribute, kek.Fingerprint),
            new XAttribute("algorithm", "AES-256-GCM"),
            new XComment(" Encrypted with the key-encryption key named by its fingerprint above; that key is never in the database. "),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("ciphertext", Convert.ToBase64String(ciphertext)));
    }

    public static XElement Decrypt(XElement encrypted, KeyEncryptionKey kek)
    {
        var named = (string?)encrypted.Attribute(KekAttribute);
        if (named != kek.Fingerprint)
        {
            // Said before trying: a wrong key fails GCM's tag check anyway, but this says which key was needed.
            throw new CryptographicException(
                $"This data-protection key was encrypted with key-encryption key {named ?? "(unnamed)"}, but this node has {kek.Fingerprint}.");
        }
        var nonce = Convert.FromBase64String((string?)encrypted.Element("nonce") ?? "");
        var tag = Convert.FromBase64String((string?)encrypted.Element("tag") ?? "");
        var ciphertext = Convert.FromBase64String((string?)encrypted.Element("ciphertext") ?? "");
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using (var aes = new AesGcm(kek.Key, TagBytes)) aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(named));
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Binds the ciphertext to the fingerprint it names: an element relabelled with another fingerprint fails the tag check.</summary>
    private static byte[] AssociatedData(string fingerprint) => Encoding.UTF8.GetBytes($"blazor-aws-console data-protection key v1 {fingerprint}");
}

/// <summary>Set as KeyManagementOptions.XmlEncryptor: every key written to the database from now on is encrypted.</summary>
public sealed class KeyEncryptionKeyXmlEncryptor(KeyEncryptionKeys keys) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(KeyEncryptionKeyXml.Encrypt(plaintextElement, keys.Current), typeof(KeyEncryptionKeyXmlDecryptor));
}

/// <summary>
/// Named by type in each stored key (decryptorType), and made by ASP.NET Core's activator through this constructor:
/// so its name and namespace are part of the stored format and must not change.
/// </summary>
public sealed class KeyEncryptionKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyEncryptionKeys _keys = services.GetRequiredService<KeyEncryptionKeys>();

    public XElement Decrypt(XElement encryptedElement) => KeyEncryptionKeyXml.Decrypt(encryptedElement, _keys.Current);
}
