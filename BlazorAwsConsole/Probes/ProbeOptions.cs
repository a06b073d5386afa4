using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Probes;

/// <summary>Settings section "Probes".</summary>
public sealed class ProbeOptions
{
    public const string Section = "Probes";
    public const int MinFrequencySeconds = 10;
    public const int MaxFrequencySeconds = 24 * 60 * 60;

    /// <summary>Run enabled tests on their schedules; off leaves them to 'run now' (tests, a read-only node).</summary>
    public bool RunOnSchedule { get; set; } = true;

    /// <summary>Where this node probes from, as its row in the cluster's member list says ("console" for a console node).</summary>
    [MaxLength(64)]
    public string Location { get; set; } = "console";

    /// <summary><see cref="Location"/> trimmed, "console" when blank: the name results and the member list carry.</summary>
    public string LocationName => string.IsNullOrWhiteSpace(Location) ? "console" : Location.Trim();

    /// <summary>Probes running at once in this console; more wait their turn in a bounded queue.</summary>
    [Range(1, 4096)]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Runs waiting for a free slot; when full, a due run is skipped and counted, never queued without bound.</summary>
    [Range(16, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>
    /// On shutdown, how long probes already running may take to finish (their results are stored);
    /// after it they are abandoned. Runs queued but not started are dropped at once.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 20)]
    public int ShutdownGraceSeconds { get; set; } = 5;

    /// <summary>Days raw results are kept; hourly rollups are kept for <see cref="RollupRetentionDays"/>.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    [Range(1, 3650)]
    public int RollupRetentionDays { get; set; } = 365;

    /// <summary>Results written per database round trip, and the longest a result waits to be written.</summary>
    [Range(1, 10_000)]
    public int WriteBatchSize { get; set; } = 500;

    [Range(1, 10_000)]
    public int WriteBatchMilliseconds { get; set; } = 200;

    /// <summary>Link-local addresses or CIDRs (e.g. the instance metadata service 169.254.169.254) that HTTP and port tests may target.</summary>
    public List<string> LinkLocalAllowList { get; set; } = [];

    /// <summary>
    /// The console's address as agents launched from a location's page dial it (https://…); empty: the address the
    /// Admin reached the console at. A load balancer's name when the console sits behind one.
    /// </summary>
    [RegularExpression("^(https://.+)?$", ErrorMessage = "Probes:AgentServerUrl must be an https:// address (agents send their token to it), or empty.")]
    public string? AgentServerUrl { get; set; }

    /// <summary>
    /// A .tar.gz of the published console (the agent is the same build) that a launched agent's instance downloads into
    /// /opt/blazor-aws-console at first boot; empty: the AMI already holds the build there.
    /// </summary>
    [RegularExpression("^(https?://.+)?$", ErrorMessage = "Probes:AgentPackageUrl must be an http(s):// address of a .tar.gz, or empty.")]
    public string? AgentPackageUrl { get; set; }
}
