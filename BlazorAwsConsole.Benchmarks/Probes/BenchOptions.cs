using System.Globalization;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>The probe benchmark's options: soak length and size, and which part to run (a run of one part is shorter on a shared machine).</summary>
internal sealed record BenchOptions(int Minutes, int Tests, bool Throughput, bool Soak)
{
    public static bool TryParse(string[] args, out BenchOptions options)
    {
        options = new BenchOptions(5, SchedulerSoak.DefaultTests, true, true);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) return false;
            var value = args[i + 1];
            switch (args[i])
            {
                case "--minutes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 120:
                    options = options with { Minutes = minutes };
                    break;
                case "--tests" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var tests) && tests is >= 1 and <= 200_000:
                    options = options with { Tests = tests };
                    break;
                case "--only" when value is "throughput" or "soak":
                    options = options with { Throughput = value == "throughput", Soak = value == "soak" };
                    break;
                default:
                    return false;
            }
        }
        return true;
    }
}
