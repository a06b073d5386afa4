using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes;

/// <summary>One stored run of a synthetic test. Raw results are kept for the retention period; <see cref="ProbeRollup"/> keeps the hours.</summary>
public sealed class ProbeResult
{
    public long Id { get; set; }
    public int TestId { get; set; }
    public ProbeType Type { get; set; }
    public bool Success { get; set; }
    /// <summary>
    /// Passed, but slower than the test's degradedAboveMs at the time of the run. Stored as a flag beside
    /// <see cref="Success"/> (rows from before it read as not degraded, which is what they were).
    /// </summary>
    public bool Degraded { get; set; }
    /// <summary>up, degraded or down, from <see cref="Success"/> and <see cref="Degraded"/>.</summary>
    public ProbeHealth Status => !Success ? ProbeHealth.Down : Degraded ? ProbeHealth.Degraded : ProbeHealth.Up;
    public required string Reason { get; set; }
    public DateTime StartedAt { get; set; }

    /// <summary>
    /// The fire time the run was due at (its test's aligned time), the same on whichever node ran it: a result is stored
    /// once per (test, scheduled time), so a fire two nodes ran at a handover is kept once. A "run now" (or a row made
    /// without one) is its own fire, due when it started.
    /// </summary>
    public DateTime ScheduledAt
    {
        get => _scheduledAt ?? StartedAt;
        set => _scheduledAt = value;
    }

    private DateTime? _scheduledAt;
    public double DurationMs { get; set; }
    /// <summary>The figure trends use (see <see cref="ProbeOutcome.ResponseTimeMs"/>).</summary>
    public double? ResponseTimeMs { get; set; }
    /// <summary>"console", or the instance id the probe ran on.</summary>
    public required string Source { get; set; }
    /// <summary>
    /// The probe location the run was made from, by its name at the time (the console's Probes:Location, or an agent's
    /// location). A fire is stored once per location: the unique key is (test, scheduled time, location).
    /// </summary>
    public string Location { get; set; } = DefaultLocation;

    /// <summary>The console's location when Probes:Location is not set, and what rows from before locations read as.</summary>
    public const string DefaultLocation = "console";
    public const int MaxLocationChars = 64;
    /// <summary>How late the run started after its scheduled time; null for 'run now'.</summary>
    public double? StartLagMs { get; set; }

    public PingDetails? Ping { get; set; }
    public TracerouteDetails? Traceroute { get; set; }
    public PortDetails? Port { get; set; }
    public HttpDetails? Http { get; set; }
    public DnsDetails? Dns { get; set; }
    public TlsDetails? Tls { get; set; }

    public const string ConsoleSource = "console";

    /// <summary>The reason column holds 512; a longer reason (an SSM tool's error line, a JSON value) ends with "(truncated: N more)".</summary>
    public const int MaxReasonChars = 500;

    /// <param name="scheduledAt">The fire time the run was due at; null for a "run now".</param>
    public static ProbeResult From(int testId, ProbeType type, ProbeOutcome outcome, string source, double? startLagMs, int? degradedAboveMs = null,
        DateTimeOffset? scheduledAt = null, string location = DefaultLocation)
    {
        var degraded = ProbeHealthRules.IsDegraded(outcome.Success, outcome.ResponseTimeMs, outcome.DurationMs, degradedAboveMs);
        var reason = degraded ? $"{outcome.Reason} — degraded: slower than {degradedAboveMs} ms" : outcome.Reason;
        var result = From(testId, type, outcome, source, startLagMs, degraded, reason);
        if (scheduledAt is { } due) result.ScheduledAt = due.UtcDateTime;
        result.Location = location;
        return result;
    }

    private static ProbeResult From(int testId, ProbeType type, ProbeOutcome outcome, string source, double? startLagMs, bool degraded, string reason) => new()
    {
        TestId = testId,
        Type = type,
        Success = outcome.Success,
        Degraded = degraded,
        Reason = Truncation.Text(reason, MaxReasonChars),
        StartedAt = outcome.StartedAt.UtcDateTime,
        DurationMs = outcome.DurationMs,
        ResponseTimeMs = outcome.ResponseTimeMs,
        Source = source,
        StartLagMs = startLagMs,
        Ping = outcome.Ping,
        Traceroute = outcome.Traceroute,
        Port = outcome.Port,
        // Every stored run passes here, whoever ran it: what a redirect, a resolver or a certificate sent is
        // bounded once, after the verdict was reached on all of it.
        Http = outcome.Http?.Capped(),
        Dns = outcome.Dns?.Capped(),
        Tls = outcome.Tls?.Capped(),
    };
}

/// <summary>One hour of one test's results, kept for a year so long trends stay fast.</summary>
public sealed class ProbeRollup
{
    public int TestId { get; set; }
    /// <summary>The start of the hour (UTC).</summary>
    public DateTime Hour { get; set; }
    public int Count { get; set; }
    public int Failures { get; set; }
    /// <summary>Runs that passed but slower than the test's degradedAboveMs (counted in <see cref="Count"/>, not in <see cref="Failures"/>).</summary>
    public int Degraded { get; set; }
    public double? MinMs { get; set; }
    public double? AvgMs { get; set; }
    public double? P95Ms { get; set; }
    public double? MaxMs { get; set; }
}
