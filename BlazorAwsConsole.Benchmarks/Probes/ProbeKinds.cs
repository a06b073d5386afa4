using BlazorAwsConsole.Probes;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>One probe type as both sides run it: the console's test, and the blackbox module with its target.</summary>
internal sealed record ProbeKind(string Label, ProbeType Type, string BlackboxModule, string BlackboxTarget, Func<int, SyntheticTest> NewTest)
{
    /// <summary>HTTP GET of nginx's page, a bare TCP connect to nginx's port, one ICMP echo to 127.0.0.1,
    /// an A query to dnsmasq expecting its address, a TLS handshake with nginx's TLS port (certificate read, chain not verified).</summary>
    public static IReadOnlyList<ProbeKind> All(NginxTarget nginx, DnsmasqTarget dns) =>
    [
        new("HTTP", ProbeType.Http, "http_2xx", nginx.Url, i => new SyntheticTest
        {
            Name = $"bench http {i}", Type = ProbeType.Http, Target = nginx.Url, TimeoutSeconds = 5,
        }),
        new("TCP", ProbeType.Port, "tcp_connect", $"127.0.0.1:{nginx.Port}", i => PortTest(i, nginx.Port)),
        // One echo per run, as blackbox's icmp module sends (the console's default is 4 at 200 ms).
        new("ICMP", ProbeType.Ping, "icmp", "127.0.0.1", i => new SyntheticTest
        {
            Name = $"bench ping {i}", Type = ProbeType.Ping, Target = "127.0.0.1", TimeoutSeconds = 5, PingCount = 1, PingIntervalMs = 0,
        }),
        new("DNS", ProbeType.Dns, "dns_a", dns.Resolver, i => new SyntheticTest
        {
            Name = $"bench dns {i}", Type = ProbeType.Dns, Target = DnsmasqTarget.Name, TimeoutSeconds = 5, DnsRecordType = "A",
            DnsResolver = dns.Resolver, DnsExpectedAnswers = [DnsmasqTarget.Address],
        }),
        // blackbox's tcp prober with tls: true does the handshake without verifying (insecure_skip_verify), as here.
        new("TLS", ProbeType.Tls, "tcp_tls", $"127.0.0.1:{nginx.TlsPort}", i => new SyntheticTest
        {
            Name = $"bench tls {i}", Type = ProbeType.Tls, Target = "127.0.0.1", Port = nginx.TlsPort, TlsServerName = "localhost",
            TlsVerifyChain = false, CertificateExpiryWarningDays = 14, TimeoutSeconds = 5,
        }),
    ];

    public static SyntheticTest PortTest(int i, int port, int frequencySeconds = 60, string target = "127.0.0.1") => new()
    {
        Name = $"bench tcp {i}", Type = ProbeType.Port, Target = target, Port = port, TimeoutSeconds = 5, FrequencySeconds = frequencySeconds,
    };
}
