using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// Signs cluster notices with Cluster:NoticeKey (HMAC-SHA256, "SIGNATURE.PAYLOAD") and opens them on the other side.
/// Without a key a payload goes as it is and every payload is taken: a notice can then only ask for a re-read, which
/// is what any database login could cause anyway. With a key, a login that lacks it is not heard at all.
/// </summary>
public sealed class NoticeSignature(IOptions<ClusterOptions> options)
{
    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.NoticeKey) ? null : Encoding.UTF8.GetBytes(options.Value.NoticeKey);

    /// <summary>The signature's length in the payload (base64 of 32 bytes).</summary>
    public const int Length = 44;

    public string Sign(string payload) => _key is null ? payload : $"{Mac(payload)}.{payload}";

    /// <summary>The notice's own payload, or null when a key is set and the signature is missing or wrong.</summary>
    public string? Open(string signed)
    {
        if (_key is null) return signed;
        if (signed.Length <= Length || signed[Length] != '.') return null;
        var payload = signed[(Length + 1)..];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signed[..Length]), Encoding.ASCII.GetBytes(Mac(payload))) ? payload : null;
    }

    private string Mac(string payload) => Convert.ToBase64String(HMACSHA256.HashData(_key!, Encoding.UTF8.GetBytes(payload)));
}
