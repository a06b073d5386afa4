namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>
/// A probe script ready for AWS-RunShellScript: <see cref="Lines"/> is its "commands" parameter (the
/// agent joins them with newlines into one file, so a quoted value spanning lines stays intact).
/// </summary>
public sealed record SsmScript(ProbeType Type, string Text, int TimeoutSeconds)
{
    public IReadOnlyList<string> Lines => Text.Split('\n');
}
