using System.Globalization;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>The accepted status codes of an HTTP test, as written by the user ("200", "200-299,301"; empty = 200-399).</summary>
public static class SsmHttpAssertions
{
    public static IReadOnlyList<(int From, int To)> ParseStatusRanges(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [(200, 399)];
        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length is < 1 or > 2 || !bounds.All(IsStatus))
                throw new SsmSpecException(nameof(ProbeSpec.ExpectedStatus), $"'{part}' is not a status code (100-599) or a range like 200-299.");
            var from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var to = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (from > to) throw new SsmSpecException(nameof(ProbeSpec.ExpectedStatus), $"'{part}' runs backwards.");
            ranges.Add((from, to));
        }
        return ranges.Count > 0 ? ranges : [(200, 399)];
    }

    public static bool Accepts(IReadOnlyList<(int From, int To)> ranges, int status) => ranges.Any(r => status >= r.From && status <= r.To);

    public static string Describe(IReadOnlyList<(int From, int To)> ranges) =>
        string.Join(",", ranges.Select(r => r.From == r.To ? $"{r.From}" : $"{r.From}-{r.To}"));

    private static bool IsStatus(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599;
}
