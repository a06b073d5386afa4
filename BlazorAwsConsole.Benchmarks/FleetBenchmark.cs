using System.Globalization;
using BlazorAwsConsole.Fleet;

namespace BlazorAwsConsole.Benchmarks;

/// <summary>
/// The fleet sync benchmark (sync cost vs. the AWS CLI), the program's default mode.
/// Needs python3 with moto[server] and awscli on PATH. Starts its own moto, kills it at the end.
/// </summary>
internal static class FleetBenchmark
{
    private const int PerRegion = 250;

    public static async Task<int> RunAsync(string[] args, CancellationToken token)
    {
        var runs = args is ["--runs", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 3;

        var regions = Report.ConsoleRegions();
        var expected = regions.Count * PerRegion;
        var workDir = Directory.CreateTempSubdirectory("blazoraws-bench-");
        try
        {
            using var moto = await MotoFleet.StartAsync(token);
            Console.WriteLine($"moto at {moto.ServiceUrl}; making {expected:N0} instances ({PerRegion} in each of {string.Join(", ", regions)}) ...");
            await moto.SeedAsync(regions, PerRegion, token);

            // One untimed round first: JIT compilation of EF Core, SQLite and the SDK is paid once per process,
            // not per sync, in a console that runs for days; the CLI pays its Python start-up on every call.
            Console.WriteLine("warm-up round (not counted) ...");
            await Measurements.ConsoleSyncsAsync(moto.ServiceUrl, Path.Combine(workDir.FullName, "warmup.db"), token);
            await Measurements.SdkListingAsync(moto, regions, atOnce: true, token);

            var results = new List<RoundResult>();
            for (var run = 1; run <= runs; run++)
            {
                Console.WriteLine($"run {run} of {runs} ...");
                var syncs = await Measurements.ConsoleSyncsAsync(moto.ServiceUrl, Path.Combine(workDir.FullName, $"run{run}.db"), token);
                var cli = await Measurements.CliListingAsync(moto.ServiceUrl, regions, token);
                var sdkInTurn = await Measurements.SdkListingAsync(moto, regions, atOnce: false, token);
                var sdkAtOnce = await Measurements.SdkListingAsync(moto, regions, atOnce: true, token);
                var round = new RoundResult(syncs, cli, sdkInTurn, sdkAtOnce);
                round.CheckSawWholeFleet(expected);
                results.Add(round);
            }
            Report.Print(results, regions, expected);
            return 0;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
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
            workDir.Delete(recursive: true);
        }
    }
}
