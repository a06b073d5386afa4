using System.Net;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm.Parsers;

/// <summary>
/// Linux traceroute -n: "traceroute to HOST (ADDR), N hops max", then one line per hop holding
/// addresses, "N ms" round trips, "*" for a probe with no answer and "!H"-style ICMP annotations.
/// The script's "BAC rdns=ADDR NAME" lines name the hops.
/// </summary>
internal static partial class TracerouteOutputParser
{
    public static ProbeOutcome Parse(SsmOutput output, ProbeSpec spec)
    {
        var header = output.ToolLines.Select(l => HeaderLine().Match(l)).FirstOrDefault(m => m.Success);
        if (header is null)
        {
            var line = output.ToolLines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? $"traceroute ended with code {output.ExitCode}";
            return Fail(ParsedText.IsNameResolutionFailure(line) ? $"cannot resolve {spec.Target.Trim()}" : line);
        }
        var destination = header.Groups["addr"].Value;
        var names = output.Values("rdns").Select(v => v.Split(' ', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        var hops = new List<TraceHop>();
        string? annotation = null;
        foreach (var match in output.ToolLines.Select(l => HopLine().Match(l)).Where(m => m.Success))
        {
            var (hop, hopAnnotation) = ParseHop(int.Parse(match.Groups["hop"].Value), match.Groups["rest"].Value, names);
            hops.Add(hop);
            annotation ??= hopAnnotation is null ? null : $"{hop.Address} reports {hopAnnotation} at hop {hop.Hop}";
        }
        var last = hops.LastOrDefault(h => h.Address is not null);
        var reached = last is not null && last.Address == destination && last.RttMs.Any(r => r is not null);
        var details = new TracerouteDetails { Hops = hops, Reached = reached };
        var rtts = reached ? last!.RttMs.Where(r => r is not null).Select(r => r!.Value).ToList() : [];
        double? response = rtts.Count > 0 ? rtts.Average() : null;
        var lastAnswer = last is null ? "no hop answered" : $"last answer from {last.Address} at hop {last.Hop}";
        var reason = reached
            ? $"reached {destination} in {hops.Count} {(hops.Count == 1 ? "hop" : "hops")}, {ParsedText.Ms(response!.Value)}"
            : annotation is not null
                ? $"destination {destination} not reached: {annotation}"
                : output.ExitCode == 124
                    ? $"stopped at the {spec.Timeout.TotalSeconds:0.#} s timeout after {hops.Count} hops; destination {destination} not reached ({lastAnswer})"
                    : $"destination {destination} not reached in {hops.Count} hops ({lastAnswer})";
        return new ProbeOutcome
        {
            Success = reached,
            Reason = reason,
            StartedAt = default,
            DurationMs = 0,
            ResponseTimeMs = response,
            Traceroute = details,
        };
    }

    private static (TraceHop Hop, string? Annotation) ParseHop(int number, string rest, Dictionary<string, string> names)
    {
        var tokens = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? address = null;
        string? annotation = null;
        var rtts = new List<double?>();
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token == "*") rtts.Add(null);
            else if (token.StartsWith('!')) annotation ??= Annotation(token);
            else if (i + 1 < tokens.Length && tokens[i + 1] == "ms" && double.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out var ms)) { rtts.Add(ms); i++; }
            else if (IPAddress.TryParse(token, out _)) address ??= token;
        }
        var lost = rtts.Count == 0 ? 100 : 100.0 * rtts.Count(r => r is null) / rtts.Count;
        return (new TraceHop
        {
            Hop = number,
            Address = address,
            HostName = address is not null && names.TryGetValue(address, out var name) ? name : null,
            RttMs = rtts,
            LossPercent = lost,
        }, annotation);
    }

    private static string Annotation(string token) => token switch
    {
        "!H" => "host unreachable (!H)",
        "!N" => "network unreachable (!N)",
        "!P" => "protocol unreachable (!P)",
        "!S" => "source route failed (!S)",
        "!X" => "communication administratively prohibited (!X)",
        "!V" => "host precedence violation (!V)",
        "!C" => "precedence cut-off (!C)",
        _ when token.StartsWith("!F", StringComparison.Ordinal) => $"fragmentation needed ({token})",
        _ => $"ICMP error {token}",
    };

    private static ProbeOutcome Fail(string reason) => new() { Success = false, Reason = reason, StartedAt = default, DurationMs = 0 };

    [GeneratedRegex(@"^traceroute to (?<host>\S+) \((?<addr>[^)]+)\), (?<max>\d+) hops max")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^\s*(?<hop>\d+)\s+(?<rest>.*)$")]
    private static partial Regex HopLine();
}
