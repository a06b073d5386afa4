using System.Globalization;
using System.Reflection;
using System.Text;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>
/// The fixed bash script per probe type that runs on an instance through AWS-RunShellScript
/// (Amazon Linux 2023, Ubuntu). The spec's values are validated, then written once at the top as
/// single-quoted <c>BAC_*</c> variables; the logic below them (Scripts/*.sh, embedded) is the same
/// for every test and only ever reads those variables, quoted. The script prints the tool's own
/// output plus <c>BAC key=value</c> lines that <see cref="SsmOutputParsers"/> reads.
/// </summary>
public static class SsmProbeScripts
{
    /// <summary>Most of a response body sent back for a regex check (SSM returns at most 24,000 characters of output).</summary>
    public const int BodyBytesReturned = 12000;

    /// <summary>Builds the script for <paramref name="spec"/>; throws <see cref="SsmSpecException"/> naming the bad field.</summary>
    public static SsmScript Build(ProbeSpec spec)
    {
        var timeout = TimeoutSeconds(spec);
        var (values, extraSeconds) = spec.Type switch
        {
            ProbeType.Ping => (PingValues(spec, timeout), 0),
            ProbeType.Traceroute => (TracerouteValues(spec, timeout), 5),
            // A TLS port check may connect twice more (handshake, then the exchange).
            ProbeType.Port => (PortValues(spec, timeout), spec.UseTls ? 2 * timeout : 0),
            ProbeType.Http => (HttpValues(spec, timeout), 0),
            ProbeType.Dns => (DnsValues(spec, timeout), 0),
            // The certificate is read by a second openssl after the handshake.
            ProbeType.Tls => (TlsValues(spec, timeout), 2),
            _ => throw new SsmSpecException(nameof(ProbeSpec.Type), $"'{spec.Type}' has no instance script."),
        };
        var text = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append($"# BlazorAwsConsole synthetic test ({spec.Type.ToString().ToLowerInvariant()}): values first, each single-quoted; the fixed logic follows.\n")
            // The agent may start the file with sh (dash on Ubuntu); the logic needs bash.
            .Append("[ -n \"${BASH_VERSION:-}\" ] || exec bash \"$0\" \"$@\"\n");
        foreach (var line in values) text.Append(line).Append('\n');
        text.Append(Resource("common.sh")).Append(Resource(spec.Type.ToString().ToLowerInvariant() + ".sh"));
        return new SsmScript(spec.Type, text.ToString(), timeout + extraSeconds);
    }

    private static int TimeoutSeconds(ProbeSpec spec)
    {
        var seconds = spec.Timeout.TotalSeconds;
        if (seconds < 1 || seconds > 600) throw new SsmSpecException(nameof(ProbeSpec.Timeout), $"must be between 1 and 600 seconds (was {seconds:0.###}).");
        return (int)Math.Ceiling(seconds);
    }

    private static IEnumerable<string> PingValues(ProbeSpec spec, int timeout)
    {
        var count = SsmSpecRules.Range(spec.PingCount, 1, 100, nameof(ProbeSpec.PingCount));
        var interval = SsmSpecRules.Range(spec.PingIntervalMs, 10, 60_000, nameof(ProbeSpec.PingIntervalMs));
        if ((count - 1) * (long)interval >= timeout * 1000L)
            throw new SsmSpecException(nameof(ProbeSpec.PingCount), $"{count} pings {interval} ms apart do not fit in the {timeout} s timeout.");
        return
        [
            ShellQuoting.Assign("BAC_TARGET", SsmSpecRules.Host(spec.Target, nameof(ProbeSpec.Target))),
            AllowList(spec),
            ShellQuoting.Assign("BAC_COUNT", Int(count)),
            ShellQuoting.Assign("BAC_INTERVAL", Seconds(interval)),
            ShellQuoting.Assign("BAC_SIZE", Int(SsmSpecRules.Range(spec.PingPayloadBytes, 0, 65_500, nameof(ProbeSpec.PingPayloadBytes)))),
            ShellQuoting.Assign("BAC_TTL", Int(SsmSpecRules.Range(spec.PingTtl, 1, 255, nameof(ProbeSpec.PingTtl)))),
            ShellQuoting.Assign("BAC_DONT_FRAGMENT", spec.PingDontFragment ? "1" : "0"),
            // The wait for the last reply: what is left of the timeout once every echo is sent.
            ShellQuoting.Assign("BAC_WAIT", Int(Math.Max(1, timeout - (count - 1) * interval / 1000))),
            ShellQuoting.Assign("BAC_DEADLINE", Int(timeout)),
        ];
    }

    private static IEnumerable<string> TracerouteValues(ProbeSpec spec, int timeout) =>
    [
        ShellQuoting.Assign("BAC_TARGET", SsmSpecRules.Host(spec.Target, nameof(ProbeSpec.Target))),
        AllowList(spec),
        ShellQuoting.Assign("BAC_MAX_HOPS", Int(SsmSpecRules.Range(spec.MaxHops, 1, 64, nameof(ProbeSpec.MaxHops)))),
        ShellQuoting.Assign("BAC_PROBES", Int(SsmSpecRules.Range(spec.ProbesPerHop, 1, 10, nameof(ProbeSpec.ProbesPerHop)))),
        ShellQuoting.Assign("BAC_WAIT", Seconds(SsmSpecRules.Range(spec.HopTimeoutMs, 100, 60_000, nameof(ProbeSpec.HopTimeoutMs)))),
        ShellQuoting.Assign("BAC_DEADLINE", Int(timeout)),
    ];

    private static IEnumerable<string> PortValues(ProbeSpec spec, int timeout)
    {
        var host = SsmSpecRules.Host(spec.Target, nameof(ProbeSpec.Target));
        SsmSpecRules.NotLinkLocal(host, spec.LinkLocalAllowList, nameof(ProbeSpec.Target));
        if (spec.Port is not { } port) throw new SsmSpecException(nameof(ProbeSpec.Port), "a TCP port is required.");
        return
        [
            ShellQuoting.Assign("BAC_HOST", host),
            AllowList(spec),
            ShellQuoting.Assign("BAC_PORT", Int(SsmSpecRules.Range(port, 1, 65_535, nameof(ProbeSpec.Port)))),
            ShellQuoting.Assign("BAC_SEND", SsmSpecRules.Text(spec.SendText, 1024, nameof(ProbeSpec.SendText))),
            ShellQuoting.Assign("BAC_EXPECT", SsmSpecRules.Text(spec.ExpectText, 1024, nameof(ProbeSpec.ExpectText))),
            ShellQuoting.Assign("BAC_TLS", spec.UseTls ? "1" : "0"),
            ShellQuoting.Assign("BAC_SNI", SsmSpecRules.IsIpLiteral(host) ? "" : host),
            // Waiting for a reply stops short of the deadline, so what arrived is still printed.
            ShellQuoting.Assign("BAC_READ_WAIT", Seconds(Math.Max(500, timeout * 1000 - 1000))),
            ShellQuoting.Assign("BAC_DEADLINE", Int(timeout)),
        ];
    }

    private static IEnumerable<string> HttpValues(ProbeSpec spec, int timeout)
    {
        var url = SsmSpecRules.HttpUrl(spec.Target, nameof(ProbeSpec.Target));
        SsmSpecRules.NotLinkLocal(url.Host.Trim('[', ']'), spec.LinkLocalAllowList, nameof(ProbeSpec.Target));
        if (!StatusCodeRanges.TryParse(spec.ExpectedStatus, out _, out var statusError))
            throw new SsmSpecException(nameof(ProbeSpec.ExpectedStatus), statusError!);
        SsmSpecRules.Regex(spec.BodyMatchesRegex, nameof(ProbeSpec.BodyMatchesRegex));
        SsmSpecRules.Range(spec.CertificateExpiryWarningDays, 0, 3650, nameof(ProbeSpec.CertificateExpiryWarningDays));
        var headers = spec.Headers.Select(h => SsmSpecRules.Header(h.Key, h.Value, nameof(ProbeSpec.Headers))).ToList();
        return
        [
            ShellQuoting.Assign("BAC_URL", spec.Target.Trim()),
            AllowList(spec),
            ShellQuoting.Assign("BAC_METHOD", SsmSpecRules.Method(spec.HttpMethod, nameof(ProbeSpec.HttpMethod))),
            ShellQuoting.AssignArray("BAC_HEADERS", headers),
            ShellQuoting.Assign("BAC_HAS_BODY", string.IsNullOrEmpty(spec.Body) ? "0" : "1"),
            ShellQuoting.Assign("BAC_BODY", SsmSpecRules.Text(spec.Body, 16_384, nameof(ProbeSpec.Body))),
            ShellQuoting.Assign("BAC_FOLLOW", spec.FollowRedirects ? "1" : "0"),
            ShellQuoting.Assign("BAC_MAX_REDIRECTS", Int(SsmSpecRules.Range(spec.MaxRedirects, 0, 50, nameof(ProbeSpec.MaxRedirects)))),
            ShellQuoting.Assign("BAC_VERIFY", spec.VerifyTls ? "1" : "0"),
            ShellQuoting.Assign("BAC_CONTAINS", SsmSpecRules.Text(spec.BodyContains, 1024, nameof(ProbeSpec.BodyContains))),
            ShellQuoting.Assign("BAC_MUST_NOT_CONTAIN", SsmSpecRules.Text(spec.BodyMustNotContain, 1024, nameof(ProbeSpec.BodyMustNotContain))),
            ShellQuoting.Assign("BAC_WANT_BODY", string.IsNullOrEmpty(spec.BodyMatchesRegex) && spec.JsonAssertions.Count == 0 ? "0" : "1"),
            ShellQuoting.Assign("BAC_DEADLINE", Int(timeout)),
        ];
    }

    private static IEnumerable<string> DnsValues(ProbeSpec spec, int timeout)
    {
        var type = (spec.DnsRecordType ?? "").Trim().ToUpperInvariant();
        if (!DnsQuery.RecordTypes.Contains(type))
            throw new SsmSpecException(nameof(ProbeSpec.DnsRecordType), $"must be one of {string.Join(", ", DnsQuery.RecordTypes)}.");
        var target = spec.Target?.Trim() ?? "";
        if (!DnsQuery.IsQueryName(target, type))
            throw new SsmSpecException(nameof(ProbeSpec.Target), $"'{(target.Length <= 60 ? target : target[..60] + "…")}' is not a name to query (letters, digits, '-', '_', '.').");
        var protocol = (spec.DnsProtocol ?? "udp").Trim().ToLowerInvariant();
        if (!DnsQuery.Protocols.Contains(protocol)) throw new SsmSpecException(nameof(ProbeSpec.DnsProtocol), "must be udp or tcp.");
        System.Net.IPEndPoint? resolver = null;
        if (!string.IsNullOrWhiteSpace(spec.DnsResolver) && (resolver = DnsQuery.ParseResolver(spec.DnsResolver, out var error)) is null)
            throw new SsmSpecException(nameof(ProbeSpec.DnsResolver), error!);
        var name = DnsQuery.QuestionName(target, type);
        return
        [
            // A final dot: host would otherwise try the instance's search domains too.
            ShellQuoting.Assign("BAC_NAME", name.EndsWith('.') ? name : name + "."),
            ShellQuoting.Assign("BAC_TYPE", type),
            ShellQuoting.Assign("BAC_PROTOCOL", protocol),
            ShellQuoting.Assign("BAC_SERVER", resolver?.Address.ToString() ?? ""),
            ShellQuoting.Assign("BAC_PORT", Int(resolver?.Port ?? DnsQuery.DefaultPort)),
            ShellQuoting.Assign("BAC_WAIT", Int(timeout)),
            // dig and host give up after BAC_WAIT; the outer limit only catches a tool that hangs.
            ShellQuoting.Assign("BAC_DEADLINE", Int(timeout + 1)),
        ];
    }

    private static IEnumerable<string> TlsValues(ProbeSpec spec, int timeout)
    {
        var host = SsmSpecRules.Host(spec.Target, nameof(ProbeSpec.Target));
        SsmSpecRules.NotLinkLocal(host, spec.LinkLocalAllowList, nameof(ProbeSpec.Target));
        var port = SsmSpecRules.Range(spec.Port ?? TlsCheck.DefaultPort, 1, 65_535, nameof(ProbeSpec.Port));
        var serverName = string.IsNullOrWhiteSpace(spec.TlsServerName) ? null : SsmSpecRules.Host(spec.TlsServerName, nameof(ProbeSpec.TlsServerName));
        if (serverName is not null && SsmSpecRules.IsIpLiteral(serverName))
            throw new SsmSpecException(nameof(ProbeSpec.TlsServerName), "must be a host name (an IP address is never sent as SNI).");
        var checkName = serverName ?? host;
        return
        [
            ShellQuoting.Assign("BAC_HOST", host),
            AllowList(spec),
            ShellQuoting.Assign("BAC_PORT", Int(port)),
            // openssl sends no SNI for an IP address; a name is sent as given.
            ShellQuoting.Assign("BAC_SNI", serverName ?? (SsmSpecRules.IsIpLiteral(host) ? "" : host)),
            ShellQuoting.Assign("BAC_CHECK_NAME", checkName),
            ShellQuoting.Assign("BAC_CHECK_IP", SsmSpecRules.IsIpLiteral(checkName) ? "1" : "0"),
            ShellQuoting.Assign("BAC_DEADLINE", Int(timeout)),
        ];
    }

    /// <summary>The link-local addresses the settings allow, for the guard the script runs on the instance before any tool connects.</summary>
    private static string AllowList(ProbeSpec spec) => ShellQuoting.AssignArray("BAC_ALLOW", SsmSpecRules.AllowListForScript(spec.LinkLocalAllowList));

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(int milliseconds) => (milliseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"BlazorAwsConsole.Probes.Ssm.Scripts.{name}")
            ?? throw new InvalidOperationException($"The probe script {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
