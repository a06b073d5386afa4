using System.Globalization;
using BlazorAwsConsole.Fleet;
using Microsoft.Extensions.Configuration;

namespace BlazorAwsConsole.Benchmarks;

/// <summary>The figures of one run; all taken against the same moto, one after another.</summary>
internal sealed record RoundResult(SyncRun Syncs, Listing Cli, Listing SdkInTurn, Listing SdkAtOnce)
{
    /// <summary>A figure over fewer instances than the fleet would flatter whoever listed less.</summary>
    public void CheckSawWholeFleet(int expected)
    {
        var seen = new Dictionary<string, int>
        {
            ["first sync"] = Syncs.FirstReport.Regions.Sum(r => r.Instances),
            ["second sync"] = Syncs.SecondReport.Regions.Sum(r => r.Instances),
            ["aws cli"] = Cli.Instances,
            ["sdk in turn"] = SdkInTurn.Instances,
            ["sdk at once"] = SdkAtOnce.Instances,
        };
        if (seen.FirstOrDefault(s => s.Value != expected) is { Key: not null } miss)
            throw new InvalidOperationException($"{miss.Key} saw {miss.Value} instances, not {expected}");
    }
}

internal static class Report
{
    /// <summary>The enabled regions of the console's own appsettings.json, so CLI, SDK and sync cover the same ones.</summary>
    public static IReadOnlyList<string> ConsoleRegions()
    {
        var settings = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").Build();
        var fleet = settings.GetSection(FleetOptions.Section).Get<FleetOptions>() ?? new FleetOptions();
        return fleet.Regions.Where(r => r.Enabled).Select(r => r.Code).ToList();
    }

    public static void Print(List<RoundResult> results, IReadOnlyList<string> regions, int instances)
    {
        var first = Median(results, r => r.Syncs.First);
        var second = Median(results, r => r.Syncs.Second);
        var cli = Median(results, r => r.Cli.Elapsed);
        var sdkInTurn = Median(results, r => r.SdkInTurn.Elapsed);
        var sdkAtOnce = Median(results, r => r.SdkAtOnce.Elapsed);
        var firstRows = Counts(results, r => r.Syncs.FirstReport.RowsWritten);
        var firstChanges = Counts(results, r => r.Syncs.FirstReport.ChangesRecorded);
        var secondRows = Counts(results, r => r.Syncs.SecondReport.RowsWritten);
        var secondChanges = Counts(results, r => r.Syncs.SecondReport.ChangesRecorded);

        Console.WriteLine();
        Console.WriteLine($"Fleet sync benchmark: {instances:N0} instances on moto over {regions.Count} regions; median of {results.Count} runs, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"figure",-56} {"median s",8}   runs s");
        Row("(a) console: first full sync, empty database", first, results, r => r.Syncs.First, $"rows written {firstRows}, changes {firstChanges}");
        Row("    console: second sync, nothing changed", second, results, r => r.Syncs.Second, $"rows written {secondRows}, changes {secondChanges}");
        Row($"(b) aws ec2 describe-instances, {regions.Count} regions in turn", cli, results, r => r.Cli.Elapsed, "");
        Row("    moto via AWS SDK, same pages, regions in turn", sdkInTurn, results, r => r.SdkInTurn.Elapsed, "");
        Row("    moto via AWS SDK, same pages, regions at once", sdkAtOnce, results, r => r.SdkAtOnce.Elapsed, "as the sync asks");
        Console.WriteLine();
        Console.WriteLine($"a/b  first sync / CLI            {first / cli,6:F2}   goal <= 1.00: {(first <= cli ? "met" : "NOT met")}");
        Console.WriteLine($"     second sync / CLI           {second / cli,6:F2}   goal no row written: {(secondRows == "0" ? "met" : "NOT met")}");
        // moto answers at a different speed from run to run; pairing each sync with the listing taken in
        // the same run, and showing that spread, keeps the console's own cost from being read out of noise.
        var ownFirst = Median(results, r => r.Syncs.First - r.SdkAtOnce.Elapsed);
        var ownSecond = Median(results, r => r.Syncs.Second - r.SdkAtOnce.Elapsed);
        var motoSpread = results.Max(r => r.SdkAtOnce.Elapsed.TotalSeconds) - results.Min(r => r.SdkAtOnce.Elapsed.TotalSeconds);
        Console.WriteLine($"moto's share (moto via SDK at once / sync):   first sync {sdkAtOnce / first:P0}, second sync {sdkAtOnce / second:P0}");
        Console.WriteLine($"console's own cost (sync - moto via SDK at once, median of per-run differences):   first {ownFirst:F2} s, second {ownSecond:F2} s");
        Console.WriteLine($"    moto alone varied by {motoSpread:F2} s between runs: a smaller cost is within moto's noise");
        var workFirst = Median(results, r => r.Syncs.FirstReport.Elapsed - r.Syncs.FirstReport.Fetching);
        var workSecond = Median(results, r => r.Syncs.SecondReport.Elapsed - r.Syncs.SecondReport.Fetching);
        Console.WriteLine($"console's own work inside the sync (compare, store, publish; timed by the sync itself):   first {workFirst:F2} s, second {workSecond:F2} s");
        Console.WriteLine($"CLI's own cost (CLI - moto via SDK in turn):   {Median(results, r => r.Cli.Elapsed - r.SdkInTurn.Elapsed):F2} s (Python start-up, parsing, JSON output; {regions.Count} processes)");
    }

    private static void Row(string figure, double median, List<RoundResult> results, Func<RoundResult, TimeSpan> pick, string note) =>
        Console.WriteLine($"{figure,-56} {median,8:F2}   {string.Join(" ", results.Select(r => pick(r).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)))}   {note}");

    private static double Median(List<RoundResult> results, Func<RoundResult, TimeSpan> pick)
    {
        var sorted = results.Select(r => pick(r).TotalSeconds).Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>A count that should be the same in every run; all values shown when they are not.</summary>
    private static string Counts(List<RoundResult> results, Func<RoundResult, int> pick) =>
        string.Join("/", results.Select(pick).Distinct().Select(v => v.ToString("N0", CultureInfo.InvariantCulture)));
}
