using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm.Parsers;

namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>
/// Turns what a probe script printed on an instance into the same <see cref="ProbeOutcome"/> the
/// console's own runners produce. The parsers are tested on output captured from the real ping,
/// traceroute, bash, openssl and curl (BlazorAwsConsole.Tests/Probes/Ssm/Captured).
/// </summary>
public static class SsmOutputParsers
{
    public const string NoOutputReason = "the instance returned no output";

    /// <param name="elapsedMs">Wall-clock time of the whole run, used when the script did not report its own.</param>
    public static ProbeOutcome Parse(ProbeSpec spec, string? stdout, DateTimeOffset startedAt, double elapsedMs)
    {
        if (string.IsNullOrWhiteSpace(stdout)) return Failure(NoOutputReason, startedAt, elapsedMs);
        var output = new SsmOutput(stdout);
        var duration = output.ElapsedMs ?? elapsedMs;
        if (output.Missing is "dig or host")
            return Failure("neither dig nor host is installed on the instance (install bind-utils on Amazon Linux, dnsutils or bind9-host on Ubuntu)", startedAt, duration);
        if (output.Missing is { } tool)
            return Failure($"{tool} is not installed on the instance (install the {PackageOf(tool)} package)", startedAt, duration);
        if (output.Value("refused_addr") is { } refusedAddress)
            return Failure(Refusal(output, refusedAddress), startedAt, duration);
        if (output.Value("unresolved") is { } unresolved)
            return Failure($"cannot resolve {unresolved}", startedAt, duration);
        if (!output.Completed)
            return Failure("the probe script on the instance did not finish (its output ends early)", startedAt, duration);
        var outcome = spec.Type switch
        {
            ProbeType.Ping => PingOutputParser.Parse(output, spec),
            ProbeType.Traceroute => TracerouteOutputParser.Parse(output, spec),
            ProbeType.Port => PortOutputParser.Parse(output, spec),
            ProbeType.Http => HttpOutputParser.Parse(output, spec, startedAt),
            ProbeType.Dns => DnsOutputParser.Parse(output, spec),
            ProbeType.Tls => TlsOutputParser.Parse(output, spec, startedAt),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, "unknown probe type"),
        };
        return outcome with { StartedAt = startedAt, DurationMs = duration };
    }

    public static ProbeOutcome Failure(string reason, DateTimeOffset startedAt, double durationMs) =>
        new() { Success = false, Reason = reason, StartedAt = startedAt, DurationMs = durationMs };

    /// <summary>
    /// The script's guard (common.sh, bac_guard) refused an address before the tool connected: the
    /// target's (hop 0) or the Nth redirect's. No other output of such a run is used: no body is kept.
    /// </summary>
    private static string Refusal(SsmOutput output, string address)
    {
        var host = output.Value("refused_host");
        var what = (host is null || host == address ? address : $"{host} → {address}") + ServiceAt(address);
        return output.Int("refused_hop") is { } hop and > 0
            ? $"redirect to a link-local address refused ({what}; redirect {hop})"
            : $"target resolves to a link-local address: refused ({what})";
    }

    /// <summary>Which of EC2's own services an address is, for the reason (an IPv4-mapped form names the same one).</summary>
    private static string ServiceAt(string address)
    {
        if (!System.Net.IPAddress.TryParse(address, out var ip)) return "";
        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() switch
        {
            "169.254.169.254" or "fd00:ec2::254" => ", the instance metadata service",
            "169.254.169.123" or "fd00:ec2::123" => ", the Amazon Time Sync Service",
            _ => "",
        };
    }

    private static string PackageOf(string tool) => tool switch
    {
        "ping" => "iputils (iputils-ping on Ubuntu)",
        _ => tool,
    };
}
