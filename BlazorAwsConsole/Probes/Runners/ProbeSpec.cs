namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// What one run of a synthetic test needs: an immutable copy of the test taken when the run was
/// scheduled, so an edit made while it runs never mixes two versions. Only the fields of
/// <see cref="Type"/> matter; the others keep their defaults.
/// </summary>
public sealed record ProbeSpec
{
    public int TestId { get; init; }
    public ProbeType Type { get; init; }

    /// <summary>IP address or host name (ping, traceroute, port) or absolute URL (http).</summary>
    public required string Target { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The EC2 instance the probe runs on through SSM Run Command; null runs it in this console.</summary>
    public string? SourceInstanceId { get; init; }

    /// <summary>The region of <see cref="SourceInstanceId"/>; required with it.</summary>
    public string? SourceRegion { get; init; }

    /// <summary>Link-local addresses the settings allow as targets (<see cref="TargetGuard"/>).</summary>
    public IReadOnlyList<string> LinkLocalAllowList { get; init; } = [];

    // Ping
    public int PingCount { get; init; } = 4;
    public int PingIntervalMs { get; init; } = 200;
    public int PingPayloadBytes { get; init; } = 32;
    public bool PingDontFragment { get; init; }
    public int PingTtl { get; init; } = 64;

    // Traceroute
    public int MaxHops { get; init; } = 30;
    public int ProbesPerHop { get; init; } = 3;
    public int HopTimeoutMs { get; init; } = 1000;

    // Port
    public int? Port { get; init; }
    public string? SendText { get; init; }
    public string? ExpectText { get; init; }
    public bool UseTls { get; init; }

    // HTTP
    public string HttpMethod { get; init; } = "GET";
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? Body { get; init; }
    /// <summary>Accepted status codes as written by the user: "200", "200-299,301", empty = 200-399.</summary>
    public string? ExpectedStatus { get; init; }
    public string? BodyContains { get; init; }
    public string? BodyMatchesRegex { get; init; }
    public string? BodyMustNotContain { get; init; }
    public bool FollowRedirects { get; init; } = true;
    public int MaxRedirects { get; init; } = 5;
    public bool VerifyTls { get; init; } = true;
    public int CertificateExpiryWarningDays { get; init; } = 14;
    /// <summary>Checks on the JSON body (<see cref="Json.JsonAssertions"/>); empty: none.</summary>
    public IReadOnlyList<Json.JsonAssertion> JsonAssertions { get; init; } = [];

    // DNS (the name to query is the target)
    public string DnsRecordType { get; init; } = "A";
    /// <summary><c>ip</c> or <c>ip:port</c>; null or empty asks the system's resolver.</summary>
    public string? DnsResolver { get; init; }
    /// <summary><c>udp</c> or <c>tcp</c>.</summary>
    public string DnsProtocol { get; init; } = "udp";
    public IReadOnlyList<string> DnsExpectedAnswers { get; init; } = [];
    public string DnsExpectedRcode { get; init; } = "NOERROR";

    // TLS (host in Target, port in Port — 443 when null — expiry warning in CertificateExpiryWarningDays)
    public string? TlsServerName { get; init; }
    public bool TlsVerifyChain { get; init; } = true;
    /// <summary><c>1.0</c> to <c>1.3</c>, or null for any.</summary>
    public string? TlsMinVersion { get; init; }
}
