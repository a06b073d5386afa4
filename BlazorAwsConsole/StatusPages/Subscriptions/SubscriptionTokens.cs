using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>
/// Confirmation and unsubscribe tokens: 32 random bytes (base64url), stored as their SHA-256 so a copy of the database
/// confirms or cancels nothing. The unsubscribe token is also kept encrypted (<see cref="Protect"/>) to be put in each message.
/// </summary>
public sealed class SubscriptionTokens(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("StatusPages.Subscriptions.Tokens");

    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

    public string Protect(string token) => _protector.Protect(token);

    public string Unprotect(string protectedToken) => _protector.Unprotect(protectedToken);

    /// <summary>The token's shape (43 base64url characters): anything else is refused before the database is asked.</summary>
    public static bool LooksLikeToken(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
