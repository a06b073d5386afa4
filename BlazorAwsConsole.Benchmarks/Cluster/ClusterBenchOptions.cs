using System.Globalization;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>The cluster mode's options: which parts to run (each runs alone too), the soak's size and the results table's rows.</summary>
internal sealed record ClusterBenchOptions(bool Soak, bool Results, bool Capacity, int Tests, int Minutes, long Rows)
{
    public const string Usage = "usage: cluster [--only soak|results|capacity] [--tests N] [--minutes M] [--rows N]  (defaults: soak and results, 10000 tests, 5 min, 50M rows; rows ≥ 1000000, 5M and 50M are understood; capacity starts at --tests and measures --minutes per step)";

    /// <summary>Tests a soak or a capacity step may have (test i dials its own 127.a.b.c, <see cref="SoakTarget.AddressOf"/>).</summary>
    public const int MaxTests = 1_000_000;

    public static bool TryParse(string[] args, out ClusterBenchOptions options)
    {
        options = new ClusterBenchOptions(true, true, false, ClusterSoak.DefaultTests, 5, ResultsAtScale.DefaultRows);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) return false;
            var value = args[i + 1];
            switch (args[i])
            {
                case "--only" when value is "soak" or "results" or "capacity":
                    options = options with { Soak = value == "soak", Results = value == "results", Capacity = value == "capacity" };
                    break;
                case "--tests" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var tests) && tests is >= 1 and <= MaxTests:
                    options = options with { Tests = tests };
                    break;
                case "--minutes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 120:
                    options = options with { Minutes = minutes };
                    break;
                case "--rows" when TryParseCount(value, out var rows) && rows >= ResultsAtScale.AnchorRows:
                    options = options with { Rows = rows };
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    private static bool TryParseCount(string text, out long count)
    {
        var multiplier = text.EndsWith('M') || text.EndsWith('m') ? 1_000_000 : 1;
        var ok = double.TryParse(multiplier > 1 ? text[..^1] : text.Replace("_", "").Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
        count = (long)(value * multiplier);
        return ok;
    }
}
