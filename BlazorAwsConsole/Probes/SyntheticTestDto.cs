using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorAwsConsole.Probes.Locations;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// A synthetic test as the API reads and writes it. Parameters are flat and only those of the
/// test's type are written back (the others are absent), so a client sees exactly what applies.
/// On input every field is optional; missing parameters take their defaults.
/// </summary>
public sealed record SyntheticTestDto
{
    public int Id { get; init; }
    public string? Name { get; init; }
    /// <summary><c>ping</c>, <c>traceroute</c>, <c>port</c>, <c>http</c>, <c>dns</c> or <c>tls</c>.</summary>
    public string? Type { get; init; }
    public string? Target { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Port { get; init; }
    public int? FrequencySeconds { get; init; }
    public int? TimeoutSeconds { get; init; }
    public bool? Enabled { get; init; }
    /// <summary>Absent when the test runs in the console itself.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceInstanceId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceRegion { get; init; }
    public Dictionary<string, string>? Tags { get; init; }
    /// <summary>A passing run slower than this (ms) is degraded; any type. 0 on input clears it; absent on output when unset.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? DegradedAboveMs { get; init; }
    /// <summary>
    /// The probe locations the test runs from each interval, by name. On output the console's own location when the test
    /// names none; on input an empty list means that one.
    /// </summary>
    public List<string>? Locations { get; init; }
    /// <summary>How many locations failing in one interval make the test down: <c>"any"</c> (default), <c>"all"</c> or <c>{"atLeast": k}</c>.</summary>
    public JsonElement? FailWhen { get; init; }
    /// <summary>Output only: the verdict across the locations, <c>up</c>, <c>degraded</c>, <c>down</c> or <c>unknown</c> (no run yet).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Status { get; init; }
    /// <summary>Output only: why, in words ("down from 2 of 3 locations: …").</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? StatusReason { get; init; }
    /// <summary>Output only: each location's latest run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<LocationStatusDto>? LocationStatus { get; init; }

    // ping
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Count { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? IntervalMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? PayloadBytes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? DontFragment { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Ttl { get; init; }

    // traceroute
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? MaxHops { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ProbesPerHop { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? HopTimeoutMs { get; init; }

    // port
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Send { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Expect { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Tls { get; init; }

    // http
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Method { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Headers { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Body { get; init; }
    /// <summary>Accepted status codes: a list of codes and ranges, e.g. "200-299,301"; empty means 200-399.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ExpectedStatus { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? BodyContains { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? BodyRegex { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? BodyMustNotContain { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? FollowRedirects { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? MaxRedirects { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? VerifyTls { get; init; }
    /// <summary>http and tls: a certificate expiring within this many days fails the run (0: never).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? CertExpiryWarningDays { get; init; }
    /// <summary>Checks on a JSON response body: <c>{ "path": "$.status", "op": "==", "value": "ok" }</c>; an empty list clears them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<Json.JsonAssertion>? JsonAssertions { get; init; }

    // dns (the name to query is the target)
    /// <summary>A, AAAA, CNAME, MX, TXT, NS, SOA, SRV, CAA or PTR (default A).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RecordType { get; init; }
    /// <summary><c>ip</c> or <c>ip:port</c> (<c>[v6]:port</c>); empty: the system's resolver.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Resolver { get; init; }
    /// <summary><c>udp</c> (default) or <c>tcp</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Protocol { get; init; }
    /// <summary>Values that must all be in the answer, in any order; empty: any answer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? ExpectedAnswers { get; init; }
    /// <summary>NOERROR (default), NXDOMAIN, SERVFAIL, REFUSED…</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ExpectedRcode { get; init; }

    // tls (host in target, port in port — default 443)
    /// <summary>The name sent as SNI and checked against the certificate; empty: the target.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ServerName { get; init; }
    /// <summary>Fail when the chain does not lead to a trusted root (default true).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? VerifyChain { get; init; }
    /// <summary><c>1.0</c>, <c>1.1</c>, <c>1.2</c> or <c>1.3</c>; empty: any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MinTlsVersion { get; init; }

    public static string TypeName(ProbeType type) => type.ToString().ToLowerInvariant();

    /// <param name="consoleLocation">The console's own location (Probes:Location), which a test naming no location runs from.</param>
    /// <param name="verdict">The test's verdict from the status board; null leaves the status fields out.</param>
    public static SyntheticTestDto From(SyntheticTest t, string consoleLocation, TestVerdict? verdict = null) => new()
    {
        Locations = [.. t.EffectiveLocations(consoleLocation)],
        FailWhen = JsonSerializer.SerializeToElement(FailWhenRules.ToJson(t.FailWhen, t.FailWhenAtLeast)),
        Status = verdict is null ? null : verdict.Status is { } status ? ProbeHealthRules.Name(status) : "unknown",
        StatusReason = verdict?.Summary,
        LocationStatus = verdict?.Locations.Select(l => new LocationStatusDto(l.Location, l.Status is { } s ? ProbeHealthRules.Name(s) : "unknown", l.Reason,
            l.LastRunAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null)).ToList(),
        Id = t.Id,
        Name = t.Name,
        Type = TypeName(t.Type),
        Target = t.Target,
        Port = t.Type is ProbeType.Port or ProbeType.Tls ? t.Port : null,
        FrequencySeconds = t.FrequencySeconds,
        TimeoutSeconds = t.TimeoutSeconds,
        Enabled = t.Enabled,
        SourceInstanceId = t.SourceInstanceId,
        SourceRegion = t.SourceRegion,
        Tags = t.Tags,
        DegradedAboveMs = t.DegradedAboveMs,
        Count = t.Type == ProbeType.Ping ? t.PingCount : null,
        IntervalMs = t.Type == ProbeType.Ping ? t.PingIntervalMs : null,
        PayloadBytes = t.Type == ProbeType.Ping ? t.PingPayloadBytes : null,
        DontFragment = t.Type == ProbeType.Ping ? t.PingDontFragment : null,
        Ttl = t.Type == ProbeType.Ping ? t.PingTtl : null,
        MaxHops = t.Type == ProbeType.Traceroute ? t.MaxHops : null,
        ProbesPerHop = t.Type == ProbeType.Traceroute ? t.ProbesPerHop : null,
        HopTimeoutMs = t.Type == ProbeType.Traceroute ? t.HopTimeoutMs : null,
        Send = t.Type == ProbeType.Port ? t.SendText : null,
        Expect = t.Type == ProbeType.Port ? t.ExpectText : null,
        Tls = t.Type == ProbeType.Port ? t.UseTls : null,
        Method = t.Type == ProbeType.Http ? t.HttpMethod : null,
        Headers = t.Type == ProbeType.Http ? t.Headers : null,
        Body = t.Type == ProbeType.Http ? t.Body : null,
        ExpectedStatus = t.Type == ProbeType.Http ? t.ExpectedStatus ?? "" : null,
        BodyContains = t.Type == ProbeType.Http ? t.BodyContains : null,
        BodyRegex = t.Type == ProbeType.Http ? t.BodyMatchesRegex : null,
        BodyMustNotContain = t.Type == ProbeType.Http ? t.BodyMustNotContain : null,
        FollowRedirects = t.Type == ProbeType.Http ? t.FollowRedirects : null,
        MaxRedirects = t.Type == ProbeType.Http ? t.MaxRedirects : null,
        VerifyTls = t.Type == ProbeType.Http ? t.VerifyTls : null,
        CertExpiryWarningDays = t.Type is ProbeType.Http or ProbeType.Tls ? t.CertificateExpiryWarningDays : null,
        RecordType = t.Type == ProbeType.Dns ? t.DnsRecordType : null,
        Resolver = t.Type == ProbeType.Dns ? t.DnsResolver ?? "" : null,
        Protocol = t.Type == ProbeType.Dns ? t.DnsProtocol : null,
        ExpectedAnswers = t.Type == ProbeType.Dns ? t.DnsExpectedAnswers : null,
        ExpectedRcode = t.Type == ProbeType.Dns ? t.DnsExpectedRcode : null,
        ServerName = t.Type == ProbeType.Tls ? t.TlsServerName ?? "" : null,
        VerifyChain = t.Type == ProbeType.Tls ? t.TlsVerifyChain : null,
        MinTlsVersion = t.Type == ProbeType.Tls ? t.TlsMinVersion ?? "" : null,
        JsonAssertions = t.Type == ProbeType.Http ? t.JsonAssertions : null,
    };
}

/// <summary>One location's latest run of a test: <c>status</c> is up, degraded, down or unknown (it has not run there yet).</summary>
public sealed record LocationStatusDto(string Location, string Status, string Reason, DateTime? LastRunAt);
