using BlazorAwsConsole.Probes.Runners;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>
/// The checks a setting passes before it goes into a script. Quoting already makes any text inert;
/// these make sure the tools get arguments they accept (a host never starting with '-', numbers in
/// range, a URL that curl reads as one http(s) URL) and give a message naming the field.
/// </summary>
internal static partial class SsmSpecRules
{
    public static string Host(string? value, string field)
    {
        var host = value?.Trim() ?? "";
        if (host.Length == 0) throw new SsmSpecException(field, "a host name or IP address is required.");
        if (IsIpLiteral(host)) return host;
        if (!HostNamePattern().IsMatch(host))
            throw new SsmSpecException(field, $"'{Shorten(host)}' is not an IP address or host name (letters, digits, '-', '.', '_' only).");
        return host;
    }

    public static bool IsIpLiteral(string host) =>
        (IPv4Pattern().IsMatch(host) || (host.Contains(':') && IPv6Chars().IsMatch(host))) && IPAddress.TryParse(host, out _);

    /// <summary>A link-local IP literal (the instance metadata service lives there) is refused unless allowed: the same rule as the console's own probes (<see cref="TargetGuard"/>).</summary>
    public static void NotLinkLocal(string host, IReadOnlyList<string> allowList, string field)
    {
        if (IPAddress.TryParse(host, out var address) && TargetGuard.Refusal(address, allowList) is { } refusal)
            throw new SsmSpecException(field, refusal);
    }

    /// <summary>
    /// The allow-list as the script's guard reads it (common.sh, <c>BAC_ALLOW</c>): each entry as 32 hex
    /// digits and a prefix length, IPv4 in its IPv4-mapped IPv6 form, so the instance compares one kind of
    /// address with plain string and bit tests. Entries that are neither an IP nor a CIDR are left out
    /// (the settings are validated at start-up).
    /// </summary>
    public static IEnumerable<string> AllowListForScript(IReadOnlyList<string> allowList)
    {
        foreach (var raw in allowList)
        {
            var entry = raw.Trim();
            IPAddress address;
            int bits;
            if (IPAddress.TryParse(entry, out var single)) (address, bits) = (single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            else if (IPNetwork.TryParse(entry, out var network)) (address, bits) = (network.BaseAddress, network.PrefixLength);
            else continue;
            if (address.AddressFamily == AddressFamily.InterNetwork) (address, bits) = (address.MapToIPv6(), bits + 96);
            // fe80::1%eth0 and fe80::1 name the same host for this purpose, as in TargetGuard.
            yield return $"{Convert.ToHexStringLower(address.GetAddressBytes())}/{bits}";
        }
    }

    public static int Range(int value, int min, int max, string field) =>
        value >= min && value <= max ? value : throw new SsmSpecException(field, $"must be between {min} and {max} (was {value}).");

    public static string Text(string? value, int maxLength, string field)
    {
        var text = value ?? "";
        if (text.Contains('\0')) throw new SsmSpecException(field, "must not contain a NUL character.");
        if (text.Length > maxLength) throw new SsmSpecException(field, $"must be at most {maxLength} characters (was {text.Length}).");
        return text;
    }

    public static Uri HttpUrl(string? value, string field)
    {
        var text = value?.Trim() ?? "";
        if (text.Length is 0 or > 2048) throw new SsmSpecException(field, "an absolute http:// or https:// URL of at most 2048 characters is required.");
        if (text.Any(c => c <= ' ' || c == '\u007f'))
            throw new SsmSpecException(field, "must not contain spaces or control characters (percent-encode them).");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            throw new SsmSpecException(field, $"'{Shorten(text)}' is not an absolute http:// or https:// URL.");
        return uri;
    }

    public static string Method(string? value, string field)
    {
        var method = (value ?? "GET").Trim().ToUpperInvariant();
        return MethodPattern().IsMatch(method) ? method : throw new SsmSpecException(field, $"'{Shorten(method)}' is not an HTTP method (letters only).");
    }

    public static string Header(string name, string value, string field)
    {
        if (!TokenPattern().IsMatch(name)) throw new SsmSpecException(field, $"header name '{Shorten(name)}' may only hold letters, digits and !#$%&'*+-.^_`|~.");
        if (value.Any(c => c is '\r' or '\n' or '\0')) throw new SsmSpecException(field, $"the value of header '{name}' must be one line.");
        if (value.Length > 4096) throw new SsmSpecException(field, $"the value of header '{name}' must be at most 4096 characters.");
        return $"{name}: {value}";
    }

    public static string? Regex(string? pattern, string field)
    {
        if (string.IsNullOrEmpty(pattern)) return null;
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return pattern;
        }
        catch (ArgumentException e)
        {
            throw new SsmSpecException(field, $"not a valid regular expression: {e.Message}");
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial Regex HostNamePattern();

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial Regex IPv4Pattern();

    [GeneratedRegex(@"^[0-9A-Fa-f:.]+$")]
    private static partial Regex IPv6Chars();

    [GeneratedRegex(@"^[A-Z]{1,20}$")]
    private static partial Regex MethodPattern();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$")]
    private static partial Regex TokenPattern();
}
