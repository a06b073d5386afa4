namespace BlazorAwsConsole.Probes.Runners;

/// <summary>The accepted HTTP status codes of a test, written as "200", "200-299,301" (empty: 200-399).</summary>
public sealed class StatusCodeRanges
{
    public static readonly StatusCodeRanges Default = new([(200, 399)], "200-399");

    private readonly (int From, int To)[] _ranges;

    private StatusCodeRanges((int From, int To)[] ranges, string text)
    {
        _ranges = ranges;
        Text = text;
    }

    /// <summary>As the user wrote it, normalised ("200-299, 301" → "200-299,301").</summary>
    public string Text { get; }

    public bool Accepts(int statusCode) => _ranges.Any(r => statusCode >= r.From && statusCode <= r.To);

    public override string ToString() => Text;

    public static bool TryParse(string? text, out StatusCodeRanges ranges, out string? error)
    {
        ranges = Default;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var parsed = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, out var code) && code is >= 100 and <= 599))
            {
                error = $"'{part}' is not a status code (100-599) or a range like 200-299.";
                return false;
            }
            var from = int.Parse(bounds[0]);
            var to = int.Parse(bounds[^1]);
            if (from > to)
            {
                error = $"The range '{part}' runs backwards.";
                return false;
            }
            parsed.Add((from, to));
        }
        ranges = new StatusCodeRanges([.. parsed], string.Join(",", parsed.Select(r => r.Item1 == r.Item2 ? $"{r.Item1}" : $"{r.Item1}-{r.Item2}")));
        return true;
    }
}
