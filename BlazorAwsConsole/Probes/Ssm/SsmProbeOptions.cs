using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>Settings section "Probes:Ssm": how the console waits for a probe run on an instance.</summary>
public sealed class SsmProbeOptions
{
    public const string Section = "Probes:Ssm";

    /// <summary>Seconds allowed on top of the test's timeout for SSM to deliver the command and report back.</summary>
    [Range(0, 600)]
    public int DeliverySeconds { get; set; } = 30;

    /// <summary>First wait before asking SSM for the result; doubled after each answer that is not final.</summary>
    [Range(10, 10_000)]
    public int FirstPollMilliseconds { get; set; } = 500;

    /// <summary>The longest wait between two polls.</summary>
    [Range(100, 60_000)]
    public int MaxPollMilliseconds { get; set; } = 5_000;
}
