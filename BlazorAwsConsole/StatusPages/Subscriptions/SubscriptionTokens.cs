using BlazorAwsConsole.Access;
using Microsoft.AspNetCore.DataProtection;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>
/// Confirmation and unsubscribe tokens: 32 random bytes (base64url), stored as their SHA-256 so a copy of the database
/// confirms or cancels nothing. The unsubscribe token is also kept encrypted (<see cref="Protect"/>) to be put in each message.
/// </summary>
public sealed class SubscriptionTokens(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("StatusPages.Subscriptions.Tokens");

    public static string NewToken() => RandomTokens.New(prefix: "");

    public static string Hash(string token) => RandomTokens.HashOf(token);

    public string Protect(string token) => _protector.Protect(token);

    public string Unprotect(string protectedToken) => _protector.Unprotect(protectedToken);

    /// <summary>The token's shape (43 base64url characters): anything else is refused before the database is asked.</summary>
    public static bool LooksLikeToken(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
