using System.Globalization;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm.Parsers;

/// <summary>
/// The dns script: "BAC tool=dig" or "BAC tool=host", then the tool's own output — dig's header line
/// (";; ->>HEADER&lt;&lt;- … status: NXDOMAIN"), answer section, ";; Query time: 3 msec" and
/// ";; SERVER: 10.0.0.2#53(10.0.0.2) (UDP)"; host -v prints the same header and sections,
/// "Host x not found: 3(NXDOMAIN)" and "Received 65 bytes from 10.0.0.2#53 in 20 ms".
/// </summary>
internal static partial class DnsOutputParser
{
    public static ProbeOutcome Parse(SsmOutput output, ProbeSpec spec)
    {
        var text = string.Join('\n', output.ToolLines);
        var resolver = Resolver(text) ?? Given(spec);
        var rcode = Status().Match(text) is { Success: true } status ? status.Groups[1].Value
            : NotFound().Match(text) is { Success: true } notFound ? notFound.Groups[1].Value
            : null;
        var details = new DnsDetails { ResolverUsed = resolver };
        if (rcode is null)
        {
            var seconds = spec.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            var from = resolver ?? "the system's resolver";
            var silent = output.ExitCode is 9 or 124 || text.Contains("timed out", StringComparison.Ordinal) || text.Contains("no servers could be reached", StringComparison.Ordinal);
            var error = output.ToolLines.Select(l => l.TrimStart(';', ' ')).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("Trying", StringComparison.Ordinal));
            return Outcome(details, silent ? $"no answer from {from} within {seconds} s" : $"query to {from} failed: {error ?? $"exit code {output.ExitCode}"}");
        }
        details = details with
        {
            Rcode = rcode,
            QueryMs = QueryTime().Match(text) is { Success: true } dig ? ParsedText.Number(dig.Groups[1].Value)
                : Received().Matches(text) is { Count: > 0 } host ? ParsedText.Number(host[^1].Groups[3].Value)
                : null,
            Answers = Answers(output.ToolLines),
        };
        var failure = DnsQuery.Failure(spec, details);
        return Outcome(details, failure ?? DnsQuery.Success(spec, details), failure is null);
    }

    private static ProbeOutcome Outcome(DnsDetails details, string reason, bool success = false) => new()
    {
        Success = success,
        Reason = reason,
        StartedAt = default,
        DurationMs = 0,
        ResponseTimeMs = details.QueryMs,
        Dns = details,
    };

    /// <summary>The answer section: "name. TTL IN TYPE data", up to the next blank or ";;" line.</summary>
    private static List<DnsAnswer> Answers(List<string> lines)
    {
        var answers = new List<DnsAnswer>();
        var start = lines.FindIndex(l => l.StartsWith(";; ANSWER SECTION:", StringComparison.Ordinal));
        if (start < 0) return answers;
        foreach (var line in lines.Skip(start + 1))
        {
            if (line.Trim().Length == 0 || line.StartsWith(';')) break;
            var fields = Whitespace().Split(line.Trim(), 5);
            if (fields.Length < 5 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ttl)) continue;
            answers.Add(new DnsAnswer { Type = fields[3], Ttl = ttl, Value = Data(fields[3], fields[4]) });
        }
        return answers;
    }

    /// <summary>dig's data as the console's runner writes it: names without their final dot, TXT strings unquoted and joined.</summary>
    private static string Data(string type, string data)
    {
        if (type == "TXT") return string.Concat(Quoted().Matches(data).Select(m => Regex.Unescape(m.Groups[1].Value)));
        if (type == "CAA") return data;
        return string.Join(' ', Whitespace().Split(data.Trim()).Select(token => token.Length > 1 && token.EndsWith('.') ? token[..^1] : token));
    }

    /// <summary>"10.0.0.2#53" → "10.0.0.2:53" ("[::1]:53" for IPv6), from dig's SERVER line, host's lines or an error.</summary>
    private static string? Resolver(string text)
    {
        var match = Server().Match(text);
        if (!match.Success) match = Received().Match(text);
        if (!match.Success) match = Address().Match(text);
        if (!match.Success) match = ErrorTo().Match(text);
        if (!match.Success) return null;
        var ip = match.Groups[1].Value;
        return ip.Contains(':') ? $"[{ip}]:{match.Groups[2].Value}" : $"{ip}:{match.Groups[2].Value}";
    }

    private static string? Given(ProbeSpec spec) =>
        string.IsNullOrWhiteSpace(spec.DnsResolver) ? null : DnsQuery.ParseResolver(spec.DnsResolver, out _) is { } endpoint ? DnsQuery.Format(endpoint) : null;

    [GeneratedRegex(@"->>HEADER<<-.*status: ([A-Z0-9]+)")]
    private static partial Regex Status();

    [GeneratedRegex(@"not found: \d+\(([A-Z0-9]+)\)")]
    private static partial Regex NotFound();

    [GeneratedRegex(@";; Query time: (\d+) msec")]
    private static partial Regex QueryTime();

    [GeneratedRegex(@";; SERVER: ([0-9A-Fa-f:.]+)#(\d+)")]
    private static partial Regex Server();

    [GeneratedRegex(@"Received \d+ bytes from ([0-9A-Fa-f:.]+)#(\d+) in (\d+) ms")]
    private static partial Regex Received();

    [GeneratedRegex(@"^Address: ([0-9A-Fa-f:.]+)#(\d+)", RegexOptions.Multiline)]
    private static partial Regex Address();

    [GeneratedRegex(@"error to ([0-9A-Fa-f:.]+)#(\d+)")]
    private static partial Regex ErrorTo();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
