using System.Globalization;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// Accepted HTTP status codes as a user writes them: "200", "200-299,301", "2xx"; empty means
/// 200-399 (success or a redirect not followed). Use <see cref="TryParse"/> to validate a test at save time.
/// </summary>
public sealed class StatusCodeRanges
{
    private readonly List<(int From, int To)> _ranges;
    private readonly string _text;

    private StatusCodeRanges(List<(int, int)> ranges, string text)
    {
        _ranges = ranges;
        _text = text;
    }

    public static StatusCodeRanges Default { get; } = new([(200, 399)], "200-399");

    public bool Contains(int status) => _ranges.Exists(r => status >= r.From && status <= r.To);

    public override string ToString() => _text;

    public static bool TryParse(string? text, out StatusCodeRanges ranges, out string? error)
    {
        ranges = Default;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;

        var parsed = new List<(int, int)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw.Length == 3 && raw.EndsWith("xx", StringComparison.OrdinalIgnoreCase) && raw[0] is >= '1' and <= '5')
            {
                var hundred = (raw[0] - '0') * 100;
                parsed.Add((hundred, hundred + 99));
                continue;
            }
            var dash = raw.IndexOf('-');
            var fromText = dash < 0 ? raw : raw[..dash].Trim();
            var toText = dash < 0 ? raw : raw[(dash + 1)..].Trim();
            if (!IsCode(fromText, out var from) || !IsCode(toText, out var to))
            {
                error = $"'{raw}' is not a status code (100-599) or a range such as 200-299";
                return false;
            }
            if (from > to)
            {
                error = $"'{raw}' is a range whose start is after its end";
                return false;
            }
            parsed.Add((from, to));
        }
        if (parsed.Count == 0) return true;
        ranges = new StatusCodeRanges(parsed, string.Join(",", parsed.Select(r => r.Item1 == r.Item2 ? $"{r.Item1}" : $"{r.Item1}-{r.Item2}")));
        return true;
    }

    private static bool IsCode(string text, out int code) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= 100 and <= 599;
}
