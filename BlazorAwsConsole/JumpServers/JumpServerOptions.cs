using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.JumpServers;

/// <summary>Settings section "JumpServers".</summary>
public sealed class JumpServerOptions
{
    public const string Section = "JumpServers";

    /// <summary>How long a launch waits for its instance to run before it gives up and rolls back.</summary>
    [Range(10, 3600)]
    public int LaunchTimeoutSeconds { get; set; } = 300;

    /// <summary>Seconds between runs of the TTL job.</summary>
    [Range(5, 3600)]
    public int TtlCheckIntervalSeconds { get; set; } = 60;

    /// <summary>Run the TTL job on its schedule; off leaves expiry to explicit runs (tests).</summary>
    public bool EnforceTtlOnSchedule { get; set; } = true;
}
