namespace BlazorAwsConsole.Sandbox;

/// <summary>Settings section "Sandbox".</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>Start a moto server when none answers at Aws:ServiceUrl (only for a loopback address).</summary>
    public bool StartMoto { get; set; } = true;

    /// <summary>The Python interpreter that has moto.</summary>
    public string Python { get; set; } = "python3";

    /// <summary>Seed the demo fleet into moto when it holds none.</summary>
    public bool SeedDemoFleet { get; set; } = true;

    /// <summary>Demo instances per watched region (the first four enabled regions).</summary>
    public int DemoInstancesPerRegion { get; set; } = 11;
}
