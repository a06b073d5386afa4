using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// What one run of a probe found, in the same shape whether it ran in the console or on an EC2
/// instance through SSM. <see cref="Reason"/> is one line a person can act on ("HTTP 503, expected
/// 200-299", "100% packet loss (0/4 replies)", "connection refused"). <see cref="ResponseTimeMs"/>
/// is the figure trends are drawn from: average round trip (ping), round trip to the destination
/// (traceroute), connect time (port), total time (http), query time (dns), connect plus handshake
/// (tls); null when there was no response.
/// </summary>
public sealed record ProbeOutcome
{
    public required bool Success { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double DurationMs { get; init; }
    public double? ResponseTimeMs { get; init; }

    public PingDetails? Ping { get; init; }
    public TracerouteDetails? Traceroute { get; init; }
    public PortDetails? Port { get; init; }
    public HttpDetails? Http { get; init; }
    public DnsDetails? Dns { get; init; }
    public TlsDetails? Tls { get; init; }
}

public sealed record PingDetails
{
    public int Sent { get; init; }
    public int Received { get; init; }
    public double LossPercent { get; init; }
    public double? MinMs { get; init; }
    public double? AvgMs { get; init; }
    public double? MaxMs { get; init; }
    public double? StdDevMs { get; init; }
}

public sealed record TracerouteDetails
{
    public List<TraceHop> Hops { get; init; } = [];
    public bool Reached { get; init; }
    /// <summary>Set by the engine, not the runner: the path differs from the previous run's.</summary>
    public bool RouteChanged { get; init; }
}

public sealed record TraceHop
{
    public int Hop { get; init; }
    /// <summary>Null when no probe of this hop was answered ("*").</summary>
    public string? Address { get; init; }
    public string? HostName { get; init; }
    /// <summary>One entry per probe; null for a probe that timed out.</summary>
    public List<double?> RttMs { get; init; } = [];
    public double LossPercent { get; init; }
}

public enum PortState
{
    Open,
    Closed,
    Filtered,
}

public sealed record PortDetails
{
    public PortState State { get; init; }
    public double? ConnectMs { get; init; }
    public double? TlsMs { get; init; }
    /// <summary>The first bytes the service sent back (trimmed, at most 256 characters).</summary>
    public string? Banner { get; init; }
}

/// <summary>
/// Phase times follow curl's -w times (time_namelookup, time_connect, time_appconnect,
/// time_starttransfer): milliseconds from the start of the final request (after any redirects) to the
/// end of that phase, so DnsMs ≤ ConnectMs ≤ TlsMs ≤ FirstByteMs. TotalMs is the whole probe,
/// redirects and body included. A phase not reached is null; TlsMs is null for http://.
/// </summary>
public sealed record HttpDetails
{
    public int? StatusCode { get; init; }
    public double? DnsMs { get; init; }
    public double? ConnectMs { get; init; }
    public double? TlsMs { get; init; }
    public double? FirstByteMs { get; init; }
    public double? TotalMs { get; init; }
    public long? ResponseBytes { get; init; }
    public DateTimeOffset? CertificateExpiresAt { get; init; }
    public int Redirects { get; init; }
    /// <summary>Where the last redirect led: a server's Location, so at most <see cref="MaxUrlChars"/> are stored.</summary>
    public string? FinalUrl { get; init; }
    /// <summary>Which check failed: "status", "body-contains", "body-regex", "body-must-not-contain", "certificate-expiry", "redirects", "json"; null when all passed.</summary>
    public string? FailedAssertion { get; init; }

    /// <summary>As long as a test's own target may be.</summary>
    public const int MaxUrlChars = 2048;

    /// <summary>These details as a run stores them (see <see cref="DnsDetails.Capped"/>).</summary>
    public HttpDetails Capped() => this with { FinalUrl = Truncation.Text(FinalUrl, MaxUrlChars) };
}
