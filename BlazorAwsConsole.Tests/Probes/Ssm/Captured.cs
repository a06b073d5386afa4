using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>The outputs captured from the real commands (Captured/*.txt), without their comment header.</summary>
public static class Captured
{
    public static readonly DateTimeOffset StartedAt = new(2026, 11, 25, 8, 40, 0, TimeSpan.Zero);

    public static string Stdout(string name)
    {
        var lines = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Probes", "Ssm", "Captured", name)).Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("# Everything below this header", StringComparison.Ordinal));
        start.Should().BeGreaterThan(0, $"{name} has its comment header");
        return string.Join('\n', lines[(start + 1)..]);
    }

    public static ProbeOutcome Parse(string name, ProbeSpec spec) =>
        SsmOutputParsers.Parse(spec, Stdout(name), StartedAt, elapsedMs: 99_999);
}
