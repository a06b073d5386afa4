using System.Globalization;

namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>
/// A probe script's stdout split into the tool's own lines and the script's <c>BAC key=value</c> lines.
/// </summary>
public sealed class SsmOutput
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public SsmOutput(string stdout)
    {
        foreach (var raw in stdout.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.StartsWith("BAC ", StringComparison.Ordinal) && raw.IndexOf('=', 4) is var eq and > 4)
            {
                var key = raw[4..eq];
                if (!_values.TryGetValue(key, out var list)) _values[key] = list = [];
                list.Add(raw[(eq + 1)..]);
            }
            else
            {
                ToolLines.Add(raw);
            }
        }
        while (ToolLines.Count > 0 && ToolLines[^1].Length == 0) ToolLines.RemoveAt(ToolLines.Count - 1);
    }

    /// <summary>Lines printed by the tool itself (ping, traceroute, bash, openssl), in order.</summary>
    public List<string> ToolLines { get; } = [];

    /// <summary>True when the script ran to its end (it always prints its exit line last).</summary>
    public bool Completed => _values.ContainsKey("exit");

    /// <summary>The tool's exit code as the script saw it; null when the script did not finish.</summary>
    public int? ExitCode => Int("exit");

    /// <summary>The tool the instance lacks ("ping", "traceroute", "curl", "openssl"), if any.</summary>
    public string? Missing => Value("missing");

    public double? ElapsedMs => Double("elapsed_ms");

    public string? Value(string key) => _values.TryGetValue(key, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string key) => _values.TryGetValue(key, out var list) ? list : [];

    public int? Int(string key) =>
        int.TryParse(Value(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public double? Double(string key) =>
        double.TryParse(Value(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The first tool line containing any of <paramref name="needles"/>, for a reason.</summary>
    public string? FirstToolLine(params string[] needles) =>
        ToolLines.FirstOrDefault(line => needles.Any(n => line.Contains(n, StringComparison.OrdinalIgnoreCase)))?.Trim();
}
