using System.Security.Cryptography;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

/// <summary>
/// The 256-bit key that encrypts the data-protection keys at rest. Only its <see cref="Fingerprint"/> is ever shown
/// (logs, errors, the stored key's XML); the key itself stays in memory, in its file or in Vault.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int Bytes = 32;

    private KeyEncryptionKey(byte[] key)
    {
        Key = key;
        // A hash of the key under a label of its own: it tells keys apart and reveals nothing of a 256-bit random key.
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData([.. "blazor-aws-console key-encryption key\0"u8, .. key]))[..16];
    }

    internal byte[] Key { get; }

    /// <summary>16 hex digits naming the key, e.g. in "encrypted with key-encryption key 3f9a0c…".</summary>
    public string Fingerprint { get; }

    public static KeyEncryptionKey Generate() => new(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>The key from its text form (base64 of 32 bytes, surrounding white space ignored), or null when the text is not one.</summary>
    public static KeyEncryptionKey? Parse(string? text)
    {
        var buffer = new byte[Bytes + 3];
        return Convert.TryFromBase64String(text?.Trim() ?? "", buffer, out var length) && length == Bytes ? new(buffer[..Bytes]) : null;
    }

    /// <summary>The text form, as the file and Vault hold it (`openssl rand -base64 32` makes one too).</summary>
    public string ToText() => Convert.ToBase64String(Key);

    public override string ToString() => Fingerprint;
}
