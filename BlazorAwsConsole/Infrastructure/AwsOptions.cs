using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Infrastructure;

public enum AwsMode
{
    /// <summary>AWS is a moto server on loopback; a demo fleet is seeded.</summary>
    Sandbox,
    /// <summary>Real AWS endpoints.</summary>
    Aws,
}

/// <summary>Settings section "Aws".</summary>
public sealed class AwsOptions
{
    public const string Section = "Aws";

    public AwsMode Mode { get; set; } = AwsMode.Sandbox;

    /// <summary>The moto endpoint in Sandbox mode. Not 5000, which is Kestrel's own default.</summary>
    [Required]
    public string ServiceUrl { get; set; } = "http://127.0.0.1:5005";

    /// <summary>Seconds one AWS call may take before it is abandoned (and retried by the SDK).</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>Attempts per call in the SDK's standard retry mode.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;
}
