using System.Globalization;
using BlazorAwsConsole.Benchmarks.Cluster;
using BlazorAwsConsole.Benchmarks.Probes;

namespace BlazorAwsConsole.Benchmarks.Locations;

/// <summary>
/// The <c>locations</c> mode (issue 22): one console and two probe agents on this machine, each agent its own location,
/// N HTTP tests at 60 s run from both. Anchor in the same run: the same console running the same N tests from its own
/// location for the same window.
///     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- locations [--tests N] [--minutes M]
/// </summary>
internal static class LocationsBenchmark
{
    public const string Usage = "usage: locations [--tests N] [--minutes M]  (defaults: 10000 tests, 3 min measured after a warm-up minute, per phase)";
    private static readonly string[] AgentLocations = ["loc-a", "loc-b"];

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out var tests, out var minutes))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var workDir = Directory.CreateTempSubdirectory("blazoraws-locations-bench-");
        try
        {
            await AptPackages.EnsureAsync(cancellationToken);
            using var nginx = await NginxTarget.StartAsync(workDir.FullName, cancellationToken, logHits: true);
            Console.WriteLine($"locations benchmark: {tests:N0} HTTP tests at 60 s, {minutes} min per phase after a warm-up; nginx (2 workers, one log line per hit) at {nginx.Url}; {Environment.ProcessorCount} cores, load average {SoakWindow.LoadAverage()}");
            Console.WriteLine("anchor: the console runs the tests from its own location ...");
            var anchor = await LocationsPhase.RunAsync("console alone", "a", nginx, tests, [], minutes, workDir.FullName, cancellationToken);
            Console.WriteLine($"agents: the tests run from {string.Join(" and ", AgentLocations)}, one agent process each; the console only stores ...");
            var agents = await LocationsPhase.RunAsync("two agents", "b", nginx, tests, AgentLocations, minutes, workDir.FullName, cancellationToken);
            LocationsReport.Print(anchor, agents);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"benchmark failed: {ex.Message}");
            return 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            workDir.Delete(recursive: true);
        }
    }

    private static bool TryParse(string[] args, out int tests, out int minutes)
    {
        (tests, minutes) = (10_000, 3);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) return false;
            switch (args[i])
            {
                case "--tests" when int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000:
                    tests = n;
                    break;
                case "--minutes" when int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 60:
                    minutes = m;
                    break;
                default:
                    return false;
            }
        }
        return true;
    }
}
