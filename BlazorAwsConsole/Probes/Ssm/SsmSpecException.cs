namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>A probe setting that cannot be sent to an instance; <see cref="Field"/> names the ProbeSpec property.</summary>
public sealed class SsmSpecException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
}
