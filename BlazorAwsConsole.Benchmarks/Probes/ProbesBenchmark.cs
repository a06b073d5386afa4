using System.Globalization;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// The synthetic-test benchmark (issue 3): the console's probe engine against prometheus-blackbox-exporter
/// driven by wrk, per probe type, on the same loopback targets; then the scheduler soak.
///     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- probes [--minutes N] [--tests N] [--only throughput|soak]
/// </summary>
internal static class ProbesBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUpPerType = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args, CancellationToken token)
    {
        if (!BenchOptions.TryParse(args, out var options))
        {
            Console.Error.WriteLine("usage: dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- probes [--minutes N] [--tests N] [--only throughput|soak]");
            Console.Error.WriteLine("  --minutes N: soak minutes, 1-120, default 5; --tests N: soak tests, 1-200000, default 10000; --only: one part");
            return 2;
        }
        var minutes = options.Minutes;
        var workDir = Directory.CreateTempSubdirectory("blazoraws-probes-bench-");
        try
        {
            await AptPackages.EnsureAsync(token);
            using var nginx = await NginxTarget.StartAsync(workDir.FullName, token);
            using var blackbox = await BlackboxAnchor.StartAsync(workDir.FullName, token);
            using var dns = await DnsmasqTarget.StartAsync(token);
            Console.WriteLine($"nginx (2 workers, no access log) at {nginx.Url}; blackbox_exporter at 127.0.0.1:{blackbox.Port}; {Environment.ProcessorCount} cores");

            var rows = new List<ThroughputRow>();
            if (options.Throughput)
            {
                await using (var console = await ProbeConsole.StartAsync(Path.Combine(workDir.FullName, "throughput.db"), EngineThroughput.Settings, token))
                {
                    var engine = new EngineThroughput(console);
                    // Untimed: every type once through the console first, so no row carries start-up and JIT work.
                    Console.WriteLine($"warm-up: each type for {WarmUpPerType.TotalSeconds:0} s through the console ({EngineThroughput.WarmUpTestsPerType:N0} tests each), untimed ...");
                    foreach (var kind in ProbeKind.All(nginx, dns))
                    {
                        var warm = await engine.WarmUpAsync(kind, WarmUpPerType, token);
                        Console.WriteLine($"  warm-up {kind.Label}: {warm.ProbesPerSecond:N0}/s, {warm.CpuMicrosecondsPerProbe:N0} µs CPU/probe (not counted)");
                    }
                    Console.WriteLine("warm-up done: the rows below are timed after it");
                    foreach (var kind in ProbeKind.All(nginx, dns))
                    {
                        Console.WriteLine($"{kind.Label}: console engine ({EngineThroughput.TestsPerType:N0} tests, {EngineThroughput.MaxConcurrency} workers, {WarmUp.TotalSeconds:0} s warm-up + {Duration.TotalSeconds:0} s) ...");
                        var figure = await engine.MeasureAsync(kind, WarmUp, Duration, token);
                        Console.WriteLine($"{kind.Label}: blackbox_exporter (wrk -c {BlackboxAnchor.Connections} -t 2, {WarmUp.TotalSeconds:0} s warm-up + {Duration.TotalSeconds:0} s) ...");
                        await blackbox.CheckSucceedsAsync(kind.BlackboxModule, kind.BlackboxTarget, token);
                        await blackbox.ProbesPerSecondAsync(kind.BlackboxModule, kind.BlackboxTarget, WarmUp, token);
                        var anchor = await blackbox.ProbesPerSecondAsync(kind.BlackboxModule, kind.BlackboxTarget, Duration, token);
                        var (checkedProbes, failedProbes) = await blackbox.FailuresUnderLoadAsync(kind.BlackboxModule, kind.BlackboxTarget, TimeSpan.FromSeconds(3), token);
                        rows.Add(new ThroughputRow(kind.Label, figure, anchor, checkedProbes, failedProbes));
                    }
                    var rowsInDatabase = await console.CountStoredResultsAsync(token);
                    ProbesReport.PrintThroughput(rows, console.Writer.Stored, rowsInDatabase);
                }
            }

            if (!options.Soak) return 0;
            Console.WriteLine();
            Console.WriteLine($"scheduler: {options.Tests:N0} enabled TCP tests every {SchedulerSoak.FrequencySeconds} s on the console's Quartz scheduler, {minutes} min ...");
            var soak = await SchedulerSoak.RunAsync(Path.Combine(workDir.FullName, "soak.db"), nginx, options.Tests, TimeSpan.FromMinutes(minutes), token);
            ProbesReport.PrintSoak(soak);
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
