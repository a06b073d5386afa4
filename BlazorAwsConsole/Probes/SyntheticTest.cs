using BlazorAwsConsole.Probes.Json;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// A synthetic test: what to probe, from where and how often. The parameters of every type live on
/// the one row (only those of <see cref="Type"/> are used) so the API, the form and the runner read
/// the same names.
/// </summary>
public sealed class SyntheticTest
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public ProbeType Type { get; set; }
    /// <summary>IP or host name (ping, traceroute, port) or absolute URL (http).</summary>
    public required string Target { get; set; }
    public int FrequencySeconds { get; set; } = 60;
    public int TimeoutSeconds { get; set; } = 10;
    public bool Enabled { get; set; } = true;
    /// <summary>The EC2 instance the probe runs on through SSM; null runs it in the console.</summary>
    public string? SourceInstanceId { get; set; }
    public string? SourceRegion { get; set; }
    public Dictionary<string, string> Tags { get; set; } = [];
    /// <summary>A passing run with a response time above this is degraded (any type); null: never degraded.</summary>
    public int? DegradedAboveMs { get; set; }

    /// <summary>
    /// The probe locations the test runs from each interval, by name as the location is named; empty: the console's own
    /// location (Probes:Location), which is what every test made before locations existed runs from.
    /// </summary>
    public List<string> Locations { get; set; } = [];
    /// <summary>How many of <see cref="Locations"/> failing in one interval make the test down (<see cref="Locations.FailWhenRules"/>).</summary>
    public Locations.FailWhenMode FailWhen { get; set; }
    /// <summary>k of "at least k locations"; null for any and all.</summary>
    public int? FailWhenAtLeast { get; set; }

    /// <summary>Where the test runs from: its locations, or the console's own when it names none.</summary>
    public IReadOnlyList<string> EffectiveLocations(string consoleLocation) => Locations.Count > 0 ? Locations : [consoleLocation];

    /// <summary>Whether members probing from <paramref name="location"/> (a console's Probes:Location, or an agent's) run this test.</summary>
    public bool RunsFrom(string location, string consoleLocation) =>
        EffectiveLocations(consoleLocation).Any(l => string.Equals(l, location, StringComparison.OrdinalIgnoreCase));

    // Ping
    public int PingCount { get; set; } = 4;
    public int PingIntervalMs { get; set; } = 200;
    public int PingPayloadBytes { get; set; } = 32;
    public bool PingDontFragment { get; set; }
    public int PingTtl { get; set; } = 64;

    // Traceroute
    public int MaxHops { get; set; } = 30;
    public int ProbesPerHop { get; set; } = 3;
    public int HopTimeoutMs { get; set; } = 1000;

    // Port
    public int? Port { get; set; }
    public string? SendText { get; set; }
    public string? ExpectText { get; set; }
    public bool UseTls { get; set; }

    // HTTP
    public string HttpMethod { get; set; } = "GET";
    public Dictionary<string, string> Headers { get; set; } = [];
    public string? Body { get; set; }
    public string? ExpectedStatus { get; set; }
    public string? BodyContains { get; set; }
    public string? BodyMatchesRegex { get; set; }
    public string? BodyMustNotContain { get; set; }
    public bool FollowRedirects { get; set; } = true;
    public int MaxRedirects { get; set; } = 5;
    public bool VerifyTls { get; set; } = true;
    public int CertificateExpiryWarningDays { get; set; } = 14;
    public List<JsonAssertion> JsonAssertions { get; set; } = [];

    // DNS (the name to query is the target)
    /// <summary>A, AAAA, CNAME, MX, TXT, NS, SOA, SRV, CAA or PTR (<see cref="Runners.DnsQuery.RecordTypes"/>).</summary>
    public string DnsRecordType { get; set; } = "A";
    /// <summary><c>ip</c> or <c>ip:port</c> (<c>[v6]:port</c>); null asks the system's resolver.</summary>
    public string? DnsResolver { get; set; }
    /// <summary><c>udp</c> or <c>tcp</c>.</summary>
    public string DnsProtocol { get; set; } = "udp";
    /// <summary>Values that must all be in the answer, in any order; empty accepts any answer.</summary>
    public List<string> DnsExpectedAnswers { get; set; } = [];
    public string DnsExpectedRcode { get; set; } = "NOERROR";

    // TLS (host in the target, port in Port, expiry warning in CertificateExpiryWarningDays)
    /// <summary>The name sent as SNI and checked against the certificate; null uses the target.</summary>
    public string? TlsServerName { get; set; }
    public bool TlsVerifyChain { get; set; } = true;
    /// <summary><c>1.0</c>, <c>1.1</c>, <c>1.2</c> or <c>1.3</c>; null accepts any version the handshake agrees on.</summary>
    public string? TlsMinVersion { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string CreatedBy { get; set; } = "";

    /// <summary>The run's immutable copy of this test.</summary>
    public ProbeSpec ToSpec(IReadOnlyList<string> linkLocalAllowList) => new()
    {
        TestId = Id,
        Type = Type,
        Target = Target,
        Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
        SourceInstanceId = SourceInstanceId,
        SourceRegion = SourceRegion,
        LinkLocalAllowList = linkLocalAllowList,
        PingCount = PingCount,
        PingIntervalMs = PingIntervalMs,
        PingPayloadBytes = PingPayloadBytes,
        PingDontFragment = PingDontFragment,
        PingTtl = PingTtl,
        MaxHops = MaxHops,
        ProbesPerHop = ProbesPerHop,
        HopTimeoutMs = HopTimeoutMs,
        Port = Port,
        SendText = SendText,
        ExpectText = ExpectText,
        UseTls = UseTls,
        HttpMethod = HttpMethod,
        Headers = new Dictionary<string, string>(Headers),
        Body = Body,
        ExpectedStatus = ExpectedStatus,
        BodyContains = BodyContains,
        BodyMatchesRegex = BodyMatchesRegex,
        BodyMustNotContain = BodyMustNotContain,
        FollowRedirects = FollowRedirects,
        MaxRedirects = MaxRedirects,
        VerifyTls = VerifyTls,
        CertificateExpiryWarningDays = CertificateExpiryWarningDays,
        JsonAssertions = [.. JsonAssertions],
        DnsRecordType = DnsRecordType,
        DnsResolver = DnsResolver,
        DnsProtocol = DnsProtocol,
        DnsExpectedAnswers = [.. DnsExpectedAnswers],
        DnsExpectedRcode = DnsExpectedRcode,
        TlsServerName = TlsServerName,
        TlsVerifyChain = TlsVerifyChain,
        TlsMinVersion = TlsMinVersion,
    };
}
