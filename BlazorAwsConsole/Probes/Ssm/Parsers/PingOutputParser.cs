using System.Text.RegularExpressions;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm.Parsers;

/// <summary>iputils ping: the statistics and rtt summary lines, and the first error for a reason.</summary>
internal static partial class PingOutputParser
{
    public static ProbeOutcome Parse(SsmOutput output, ProbeSpec spec)
    {
        var stats = output.ToolLines.Select(l => StatisticsLine().Match(l)).FirstOrDefault(m => m.Success);
        if (stats is null)
        {
            var line = output.ToolLines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? $"ping ended with code {output.ExitCode}";
            var reason = ParsedText.IsNameResolutionFailure(line) ? $"cannot resolve {spec.Target.Trim()}" : line.Replace("ping: ", "", StringComparison.Ordinal);
            return new ProbeOutcome { Success = false, Reason = reason, StartedAt = default, DurationMs = 0 };
        }
        var sent = int.Parse(stats.Groups["sent"].Value);
        var received = int.Parse(stats.Groups["received"].Value);
        var rtt = output.ToolLines.Select(l => RttLine().Match(l)).FirstOrDefault(m => m.Success);
        var details = new PingDetails
        {
            Sent = sent,
            Received = received,
            LossPercent = ParsedText.Number(stats.Groups["loss"].Value),
            MinMs = rtt is null ? null : ParsedText.Number(rtt.Groups[1].Value),
            AvgMs = rtt is null ? null : ParsedText.Number(rtt.Groups[2].Value),
            MaxMs = rtt is null ? null : ParsedText.Number(rtt.Groups[3].Value),
            StdDevMs = rtt is null ? null : ParsedText.Number(rtt.Groups[4].Value),
        };
        var replies = $"{received}/{sent} replies";
        var cutShort = output.ExitCode == 124 ? $", stopped at the {spec.Timeout.TotalSeconds:0.#} s timeout" : "";
        var reasonText = received == 0
            ? $"100% packet loss ({replies}){Cause(output)}{cutShort}"
            : received < sent
                ? $"{details.LossPercent:0.#}% packet loss ({replies}), avg {ParsedText.Ms(details.AvgMs ?? 0)}{cutShort}"
                : $"{replies}, avg {ParsedText.Ms(details.AvgMs ?? 0)}";
        return new ProbeOutcome
        {
            // Partial loss is reported in the reason; only silence fails the run.
            Success = received > 0,
            Reason = reasonText,
            StartedAt = default,
            DurationMs = 0,
            ResponseTimeMs = details.AvgMs,
            Ping = details,
        };
    }

    /// <summary>Why nothing came back, when ping said: an ICMP error from a router, or a local error.</summary>
    private static string Cause(SsmOutput output)
    {
        foreach (var line in output.ToolLines)
        {
            if (IcmpError().Match(line) is { Success: true } icmp)
                return $": {icmp.Groups["what"].Value.Trim().ToLowerInvariant()} (from {icmp.Groups["from"].Value})";
            if (line.StartsWith("ping: ", StringComparison.Ordinal))
                return $": {line["ping: ".Length..].Trim()}";
        }
        return "";
    }

    [GeneratedRegex(@"(?<sent>\d+) packets transmitted, (?<received>\d+) received,.*?(?<loss>[\d.]+)% packet loss")]
    private static partial Regex StatisticsLine();

    [GeneratedRegex(@"^(?:rtt|round-trip) min/avg/max/(?:mdev|stddev) = ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms")]
    private static partial Regex RttLine();

    [GeneratedRegex(@"^From (?<from>\S+?)(?: \([^)]*\))? icmp_seq=\d+ (?<what>.+)$")]
    private static partial Regex IcmpError();
}
