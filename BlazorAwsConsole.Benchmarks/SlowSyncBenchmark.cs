using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Benchmarks;

/// <summary>
/// Big regions on a slow endpoint (issue 12): 2,500 instances in each of the console's 4 regions on one
/// moto, where the fleet sync used to time out in every region on every poll. Runs the same polls
/// (forced syncs, one after another, as the schedule would run them) with the new defaults, with the new
/// pacing but an action's 20 s per page, and with the old behaviour (20 s per page, no pacing), and
/// prints for each region the time to its first full load, its pages, timeouts and page-size changes.
/// </summary>
internal static class SlowSyncBenchmark
{
    private sealed record Config(string Key, string Name, string[] Settings);

    private sealed record RegionFigures(string Region, TimeSpan? LoadedAfter, int? LoadedInPoll, int Pages, int Timeouts, List<string> SizeChanges, bool RetriedAlone, int Stored, string? LastError, string? FirstProgress);

    public static async Task<int> RunAsync(string[] args, CancellationToken token)
    {
        var perRegion = Option(args, "--per-region", 2500);
        var perLaunch = Option(args, "--per-launch", 250);
        var maxPolls = Option(args, "--polls", 4);
        var regions = Report.ConsoleRegions();
        Config[] configs =
        [
            new("after", "after: defaults (120 s per page, pacing on)", []),
            new("paced", "after: pacing on, 20 s per page", ["Fleet:ReadPageTimeoutSeconds=20"]),
            new("before", "before: 20 s per page, pacing off", ["Fleet:ReadPageTimeoutSeconds=20", "Fleet:AdaptToSlowEndpoint=false"]),
        ];
        var only = Array.IndexOf(args, "--only") is var onlyAt and >= 0 && onlyAt + 1 < args.Length ? args[onlyAt + 1].Split(',') : null;
        if (only is not null) configs = configs.Where(c => only.Contains(c.Key)).ToArray();
        var workDir = Directory.CreateTempSubdirectory("blazoraws-slowsync-");
        try
        {
            Console.WriteLine($"load average at start: {LoadAverage()} ({Environment.ProcessorCount} cores)");
            using var moto = await MotoFleet.StartAsync(token);
            var seeding = Stopwatch.GetTimestamp();
            Console.WriteLine($"moto at {moto.ServiceUrl}; making {perRegion:N0} instances in each of {string.Join(", ", regions)} in launches of {perLaunch:N0} ...");
            await moto.SeedAsync(regions, perRegion, token, perLaunch);
            Console.WriteLine($"seeded in {Stopwatch.GetElapsedTime(seeding).TotalSeconds:0} s");
            await MotoAloneAsync(moto, regions, token);

            var all = new List<(Config Config, List<RegionFigures> Figures, TimeSpan Total)>();
            foreach (var config in configs)
            {
                await WaitForIdleMotoAsync(moto, token);
                Console.WriteLine($"\n{config.Name}: up to {maxPolls} polls, load average {LoadAverage()}");
                var (figures, total) = await PollUntilLoadedAsync(moto.ServiceUrl, Path.Combine(workDir.FullName, $"c{all.Count}.db"), config, regions, maxPolls, token);
                all.Add((config, figures, total));
            }

            Console.WriteLine($"\ntime to first full load per region ({perRegion:N0} instances each, launches of {perLaunch:N0}; polls are forced syncs one after another; load average at end {LoadAverage()})");
            Console.WriteLine($"{"config",-45} {"region",-15} {"loaded after",12} {"poll",5} {"pages",6} {"timeouts",9} {"alone",6} {"stored",7}  page sizes / last error");
            foreach (var (config, figures, total) in all)
            {
                foreach (var f in figures)
                {
                    var loaded = f.LoadedAfter is { } at ? $"{at.TotalSeconds:0.0} s" : "never";
                    var detail = f.SizeChanges.Count > 0 ? string.Join(", ", f.SizeChanges) : f.LoadedAfter is null ? f.LastError ?? "" : "";
                    Console.WriteLine($"{config.Name,-45} {f.Region,-15} {loaded,12} {f.LoadedInPoll?.ToString(CultureInfo.InvariantCulture) ?? "–",5} {f.Pages,6} {f.Timeouts,9} {(f.RetriedAlone ? "yes" : "no"),6} {f.Stored,7:N0}  {detail}");
                }
                var loadedAll = figures.All(f => f.LoadedAfter is not null);
                Console.WriteLine($"{config.Name,-45} {"whole fleet",-15} {(loadedAll ? $"{figures.Max(f => f.LoadedAfter!.Value).TotalSeconds:0.0} s" : "never"),12}   (polls took {total.TotalSeconds:0} s in all)");
            }
            foreach (var (config, figures, _) in all)
            {
                if (figures.FirstOrDefault(f => f.FirstProgress is not null) is { } shown) Console.WriteLine($"progress shown, e.g. ({config.Name}, {shown.Region}): \"{shown.FirstProgress}\"");
            }
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

    private static async Task<(List<RegionFigures>, TimeSpan)> PollUntilLoadedAsync(string serviceUrl, string databaseFile, Config config,
        IReadOnlyList<string> regions, int maxPolls, CancellationToken token)
    {
        var app = await Measurements.StartConsoleAsync(serviceUrl, databaseFile, config.Settings, token);
        try
        {
            var snapshot = app.Services.GetRequiredService<FleetSnapshot>();
            var firstProgress = new ConcurrentDictionary<string, string>();
            using var watching = app.Services.GetRequiredService<LiveFeed>().Subscribe<FleetChanged>(changed =>
            {
                foreach (var region in changed.Regions)
                {
                    // The first progress that says something read (not the "0 of ~N" before the first page).
                    if (snapshot.Region(region)?.Progress is { } progress && !progress.StartsWith("loading: 0 ", StringComparison.Ordinal)) firstProgress.TryAdd(region, progress);
                }
                return Task.CompletedTask;
            }, queueCapacity: 4096);

            var sync = app.Services.GetRequiredService<FleetSyncService>();
            var started = Stopwatch.GetTimestamp();
            var loaded = new Dictionary<string, (TimeSpan At, int Poll)>();
            var pages = regions.ToDictionary(r => r, _ => 0);
            var timeouts = regions.ToDictionary(r => r, _ => 0);
            var changes = regions.ToDictionary(r => r, _ => new List<string>());
            var alone = new HashSet<string>();
            var lastError = new Dictionary<string, string?>();
            for (var poll = 1; poll <= maxPolls && loaded.Count < regions.Count; poll++)
            {
                var report = await sync.SyncAsync(force: true, token);
                var at = Stopwatch.GetElapsedTime(started);
                foreach (var region in report.Regions)
                {
                    pages[region.Region] += region.Pages;
                    timeouts[region.Region] += region.Timeouts;
                    changes[region.Region].AddRange(region.PageSizeChanges ?? []);
                    if (region.RetriedAlone) alone.Add(region.Region);
                    lastError[region.Region] = region.Error;
                    if (region.Complete && region.Error is null) loaded.TryAdd(region.Region, (at, poll));
                }
                Console.WriteLine($"  poll {poll} done at {at.TotalSeconds:0.0} s: " + string.Join("; ", report.Regions.Select(r =>
                    $"{r.Region} {(r.Error is null ? $"{r.Instances:N0} read" : r.Error)}{(r.Timeouts > 0 ? $", {r.Timeouts} timeouts" : "")}{(r.RetriedAlone ? ", read again alone" : "")}")));
            }
            var figures = regions.Select(r => new RegionFigures(r, loaded.TryGetValue(r, out var l) ? l.At : null, loaded.TryGetValue(r, out var p) ? p.Poll : null,
                pages[r], timeouts[r], changes[r], alone.Contains(r), snapshot.Instances.Count(i => i.Region == r), lastError.GetValueOrDefault(r),
                firstProgress.GetValueOrDefault(r))).ToList();
            return (figures, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            await Measurements.StopConsoleAsync(app, databaseFile);
        }
    }

    /// <summary>Where moto's time goes: one region's DescribeInstances and DescribeInstanceStatus alone, then all regions' at once, through the SDK.</summary>
    private static async Task MotoAloneAsync(MotoFleet moto, IReadOnlyList<string> regions, CancellationToken token)
    {
        using var ec2 = moto.Client(regions[0]);
        var started = Stopwatch.GetTimestamp();
        var listed = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 1000 }, token);
        var listing = Stopwatch.GetElapsedTime(started);
        started = Stopwatch.GetTimestamp();
        var status = await ec2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { IncludeAllInstances = true, MaxResults = 1000 }, token);
        var statusTook = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"moto alone, {regions[0]}: DescribeInstances MaxResults=1000 → {(listed.Reservations ?? []).Sum(r => r.Instances?.Count ?? 0):N0} instances in {listing.TotalSeconds:0.0} s " +
            $"(next page: {(string.IsNullOrEmpty(listed.NextToken) ? "none" : "yes")}); DescribeInstanceStatus → {(status.InstanceStatuses ?? []).Count:N0} in {statusTook.TotalSeconds:0.0} s");
    }

    /// <summary>moto keeps working on requests their caller gave up on; a config starts only once it answers a small request quickly.</summary>
    private static async Task WaitForIdleMotoAsync(MotoFleet moto, CancellationToken token)
    {
        using var ec2 = moto.Client("eu-north-1");
        var until = Stopwatch.GetTimestamp();
        for (var quick = 0; quick < 2 && Stopwatch.GetElapsedTime(until) < TimeSpan.FromMinutes(5);)
        {
            var started = Stopwatch.GetTimestamp();
            await ec2.DescribeInstancesAsync(new DescribeInstancesRequest(), token);
            quick = Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(0.5) ? quick + 1 : 0;
            await Task.Delay(500, token);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
