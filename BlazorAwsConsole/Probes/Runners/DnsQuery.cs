using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// The rules a DNS test's settings follow, shared by the validator, the console's runner and the SSM
/// script builder: record types, response-code names, resolver addresses, names, and how an
/// expected answer is compared with a received one.
/// </summary>
public static partial class DnsQuery
{
    public static readonly string[] RecordTypes = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "CAA", "PTR"];

    /// <summary>The response codes of RFC 1035 and RFC 2136 by their usual names (dig's).</summary>
    public static readonly string[] Rcodes = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];

    public static readonly string[] Protocols = ["udp", "tcp"];

    public const int DefaultPort = 53;

    /// <summary>The name of a response code number (0 → NOERROR); "RCODE17" for one without a name.</summary>
    public static string RcodeName(int code) => code >= 0 && code < Rcodes.Length ? Rcodes[code] : "RCODE" + code.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads <c>ip</c>, <c>ip:port</c>, <c>[v6]</c> or <c>[v6]:port</c>; null with a message when it is none of them.
    /// A host name is refused: the resolver is where names get their meaning, so it must be an address.
    /// </summary>
    public static IPEndPoint? ParseResolver(string text, out string? error)
    {
        error = null;
        var value = text.Trim();
        string host, portText = "";
        if (value.StartsWith('[') && value.IndexOf(']') is var close and > 0)
        {
            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0 && !rest.StartsWith(':')) host = "";
            portText = rest.Length > 0 ? rest[1..] : "";
        }
        else if (value.Count(c => c == ':') == 1)
        {
            host = value[..value.IndexOf(':')];
            portText = value[(value.IndexOf(':') + 1)..];
        }
        else
        {
            host = value;
        }
        if (!IPAddress.TryParse(host, out var address) || host.Contains('%'))
        {
            error = $"'{text}' is not a resolver address: an IP, ip:port or [IPv6]:port (e.g. 10.0.0.2 or 10.0.0.2:5353).";
            return null;
        }
        var port = DefaultPort;
        if (portText.Length > 0 || value.EndsWith(':'))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error = "The resolver's port must be between 1 and 65535.";
                return null;
            }
        }
        return new IPEndPoint(address, port);
    }

    /// <summary><c>ip:port</c>, with brackets around an IPv6 address.</summary>
    public static string Format(IPEndPoint endpoint) => endpoint.ToString();

    /// <summary>
    /// A name to query: labels of letters, digits, '-' and '_' (SRV and DMARC names start with '_'),
    /// at most 253 characters, an optional final dot. For PTR an IP address is also accepted (its
    /// reverse name is asked).
    /// </summary>
    public static bool IsQueryName(string name, string recordType) =>
        QueryName().IsMatch(name) || recordType == "PTR" && IPAddress.TryParse(name, out _);

    /// <summary>The name actually asked: an IP's reverse name for PTR, else the name itself.</summary>
    public static string QuestionName(string target, string recordType) =>
        recordType == "PTR" && IPAddress.TryParse(target.Trim(), out var address) ? ReverseName(address) : target.Trim();

    public static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 4) return $"{bytes[3]}.{bytes[2]}.{bytes[1]}.{bytes[0]}.in-addr.arpa";
        var nibbles = bytes.Reverse().SelectMany(b => new[] { b & 0xF, b >> 4 }).Select(n => n.ToString("x", CultureInfo.InvariantCulture));
        return string.Join('.', nibbles) + ".ip6.arpa";
    }

    /// <summary>
    /// An expected value is found in the answer when it equals a record's value: addresses compared as
    /// addresses (2001:db8::1 = 2001:0db8:0:0:0:0:0:1), names without case or a final dot, other
    /// data (MX, SRV, TXT…) with runs of spaces as one and without a final dot or quotes around TXT.
    /// </summary>
    public static bool Matches(string expected, string actual)
    {
        var e = Normal(expected);
        var a = Normal(actual);
        if (IPAddress.TryParse(e, out var ea) && IPAddress.TryParse(a, out var aa)) return ea.Equals(aa);
        return string.Equals(e, a, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The expected values not in <paramref name="answers"/>, in the order given.</summary>
    public static List<string> Missing(IEnumerable<string> expected, IReadOnlyList<DnsAnswer> answers) =>
        expected.Where(e => !answers.Any(a => Matches(e, a.Value))).ToList();

    /// <summary>The one-line verdict of a DNS run once a response came: null when it passes.</summary>
    public static string? Failure(ProbeSpec spec, DnsDetails details)
    {
        var expectedRcode = string.IsNullOrWhiteSpace(spec.DnsExpectedRcode) ? "NOERROR" : spec.DnsExpectedRcode.Trim().ToUpperInvariant();
        if (!string.Equals(details.Rcode, expectedRcode, StringComparison.Ordinal))
            return $"{details.Rcode}, expected {expectedRcode}";
        if (expectedRcode != "NOERROR") return null;
        var ofType = details.Answers.Where(a => a.Type == spec.DnsRecordType).ToList();
        if (spec.DnsExpectedAnswers.Count == 0)
            return ofType.Count == 0 ? $"NOERROR but no {spec.DnsRecordType} record for {QuestionName(spec.Target, spec.DnsRecordType)}" : null;
        var missing = Missing(spec.DnsExpectedAnswers, details.Answers);
        if (missing.Count == 0) return null;
        var got = ofType.Count == 0 ? "no " + spec.DnsRecordType + " record" : Shorten(string.Join(", ", ofType.Select(a => a.Value)));
        return $"answer lacks {string.Join(", ", missing)} (got {got})";
    }

    /// <summary>The reason of a run that passed.</summary>
    public static string Success(ProbeSpec spec, DnsDetails details)
    {
        var ofType = details.Answers.Where(a => a.Type == spec.DnsRecordType).Select(a => a.Value).ToList();
        var what = ofType.Count == 0 ? details.Rcode : $"{spec.DnsRecordType} {Shorten(string.Join(", ", ofType))}";
        return $"{what} from {details.ResolverUsed} in {details.QueryMs?.ToString("0.#", CultureInfo.InvariantCulture)} ms";
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private static string Normal(string value)
    {
        var text = Spaces().Replace(value.Trim(), " ");
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = text[1..^1];
        return text.EndsWith('.') && text.Length > 1 ? text[..^1] : text;
    }

    [GeneratedRegex(@"^(?=.{1,254}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$")]
    private static partial Regex QueryName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
