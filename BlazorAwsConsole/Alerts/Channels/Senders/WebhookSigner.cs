using System.Security.Cryptography;
using System.Text;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// The generic webhook's signature (README, "Webhook signature"): with a secret set, every POST carries
/// <c>X-Console-Timestamp: &lt;unix seconds&gt;</c> and
/// <c>X-Console-Signature: sha256=&lt;lowercase hex of HMAC-SHA256(secret, "&lt;timestamp&gt;." + body bytes)&gt;</c>.
/// The timestamp is signed with the body so a captured request cannot be replayed later under a new time;
/// receivers should reject timestamps more than a few minutes old.
/// </summary>
public static class WebhookSigner
{
    public const string SignatureHeader = "X-Console-Signature";
    public const string TimestampHeader = "X-Console-Timestamp";
    public const string DeliveryHeader = "X-Console-Delivery";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
