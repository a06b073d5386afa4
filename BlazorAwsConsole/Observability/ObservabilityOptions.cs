using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Observability;

public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>How long /healthz/ready reuses a check's answer, so frequent probes do not hammer AWS and Vault.</summary>
    [Range(0, 300)]
    public int ReadinessCacheSeconds { get; set; } = 5;

    /// <summary>How long the readiness check waits for one region's AWS answer (and Vault's).</summary>
    [Range(1, 60)]
    public int DependencyTimeoutSeconds { get; set; } = 3;
}
