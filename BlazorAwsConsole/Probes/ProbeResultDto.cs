using System.Text.Json.Serialization;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes;

/// <summary>A stored result as the API returns it: the common fields, then the details of its type (others absent).</summary>
public sealed record ProbeResultDto
{
    public long Id { get; init; }
    public int TestId { get; init; }
    public required string Type { get; init; }
    /// <summary>True for up and degraded runs.</summary>
    public bool Success { get; init; }
    /// <summary><c>up</c>, <c>degraded</c> (passed, slower than the test's degradedAboveMs) or <c>down</c>.</summary>
    public string Status { get; init; } = "up";
    public required string Reason { get; init; }
    public DateTime StartedAt { get; init; }
    public double DurationMs { get; init; }
    public double? ResponseTimeMs { get; init; }
    /// <summary>"console", or the instance id the probe ran on.</summary>
    public required string Source { get; init; }
    /// <summary>The probe location the run was made from.</summary>
    public string Location { get; init; } = ProbeResult.DefaultLocation;

    // ping
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? PacketsSent { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? PacketsReceived { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? LossPercent { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? MinMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? AvgMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? MaxMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? StdDevMs { get; init; }

    // traceroute
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<TraceHop>? Hops { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Reached { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? RouteChanged { get; init; }

    // port
    /// <summary><c>open</c>, <c>closed</c> or <c>filtered</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? PortState { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Banner { get; init; }

    // http (connectMs and tlsMs also for port and tls checks)
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? StatusCode { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? DnsMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ConnectMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? TlsMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? FirstByteMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? TotalMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? ResponseBytes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? CertificateExpiresAt { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Redirects { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FinalUrl { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FailedAssertion { get; init; }

    // dns
    /// <summary>NOERROR, NXDOMAIN, SERVFAIL…; absent when no response came.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Rcode { get; init; }
    /// <summary>The answer section: <c>type</c>, <c>value</c>, <c>ttl</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<DnsAnswer>? Answers { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? QueryMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ResolverUsed { get; init; }

    // tls
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subject { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Issuer { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? NotBefore { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? NotAfter { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? DaysLeft { get; init; }
    /// <summary>TLSv1.2, TLSv1.3.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? TlsVersion { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CipherSuite { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? ChainValid { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? HostnameMatches { get; init; }
    /// <summary>Subject alternative names (DNS names and IP addresses).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Sans { get; init; }

    public static ProbeResultDto From(ProbeResult r) => new()
    {
        Id = r.Id,
        TestId = r.TestId,
        Type = SyntheticTestDto.TypeName(r.Type),
        Success = r.Success,
        Status = ProbeHealthRules.Name(r.Status),
        Reason = r.Reason,
        StartedAt = DateTime.SpecifyKind(r.StartedAt, DateTimeKind.Utc),
        DurationMs = r.DurationMs,
        ResponseTimeMs = r.ResponseTimeMs,
        Source = r.Source,
        Location = r.Location,
        PacketsSent = r.Ping?.Sent,
        PacketsReceived = r.Ping?.Received,
        LossPercent = r.Ping?.LossPercent,
        MinMs = r.Ping?.MinMs,
        AvgMs = r.Ping?.AvgMs,
        MaxMs = r.Ping?.MaxMs,
        StdDevMs = r.Ping?.StdDevMs,
        Hops = r.Traceroute?.Hops,
        Reached = r.Traceroute?.Reached,
        RouteChanged = r.Traceroute?.RouteChanged,
        PortState = r.Port?.State.ToString().ToLowerInvariant(),
        Banner = r.Port?.Banner,
        StatusCode = r.Http?.StatusCode,
        DnsMs = r.Http?.DnsMs,
        ConnectMs = r.Http?.ConnectMs ?? r.Port?.ConnectMs ?? r.Tls?.ConnectMs,
        TlsMs = r.Http?.TlsMs ?? r.Port?.TlsMs ?? r.Tls?.HandshakeMs,
        FirstByteMs = r.Http?.FirstByteMs,
        TotalMs = r.Http?.TotalMs,
        ResponseBytes = r.Http?.ResponseBytes,
        CertificateExpiresAt = r.Http?.CertificateExpiresAt,
        Redirects = r.Http?.Redirects,
        FinalUrl = r.Http?.FinalUrl,
        FailedAssertion = r.Http?.FailedAssertion,
        Rcode = r.Dns?.Rcode,
        Answers = r.Dns?.Answers,
        QueryMs = r.Dns?.QueryMs,
        ResolverUsed = r.Dns?.ResolverUsed,
        Subject = r.Tls?.Subject,
        Issuer = r.Tls?.Issuer,
        NotBefore = r.Tls?.NotBefore,
        NotAfter = r.Tls?.NotAfter,
        DaysLeft = r.Tls?.DaysLeft,
        TlsVersion = r.Tls?.TlsVersion,
        CipherSuite = r.Tls?.CipherSuite,
        ChainValid = r.Tls?.ChainValid,
        HostnameMatches = r.Tls?.HostnameMatches,
        Sans = r.Tls?.Sans,
    };
}
