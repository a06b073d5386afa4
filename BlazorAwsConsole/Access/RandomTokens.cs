using System.Security.Cryptography;
using System.Text;

namespace BlazorAwsConsole.Access;

/// <summary>The bearer secrets the console hands out (API keys, probe agents' tokens): made here, stored only as a hash.</summary>
public static class RandomTokens
{
    /// <summary><paramref name="prefix"/> and 256 random bits, URL-safe base64.</summary>
    public static string New(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256, hex. The tokens are 256 random bits, so a fast hash is enough (no password stretching needed).</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
