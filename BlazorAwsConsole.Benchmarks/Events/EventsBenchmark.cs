using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Amazon.EC2.Model;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Benchmarks.Events;

/// <summary>
/// Event latency (issue 12): an EC2 state change put on moto's EventBridge (PutEvents), delivered by a
/// rule to the region's SQS queue, read by the console's own reader, re-read with DescribeInstances,
/// stored and published on the LiveFeed; p50/p99 over 200 events. Beside it, the poll path's latency at
/// the default intervals (60 s; 300 s while events flow): the expected mean (interval/2 + poll duration)
/// and maximum (interval + poll duration), with the poll duration measured on the same fleet.
/// </summary>
internal static class EventsBenchmark
{
    private const int PerRegion = 250;

    public static async Task<int> RunAsync(string[] args, CancellationToken token)
    {
        var count = args is ["--events", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 200;
        var regions = Report.ConsoleRegions();
        var region = regions[0];
        var workDir = Directory.CreateTempSubdirectory("blazoraws-events-");
        var databaseFile = Path.Combine(workDir.FullName, "events.db");
        try
        {
            Console.WriteLine($"load average at start: {SlowSyncBenchmark.LoadAverage()} ({Environment.ProcessorCount} cores)");
            using var moto = await MotoFleet.StartAsync(token);
            Console.WriteLine($"moto at {moto.ServiceUrl}; making {PerRegion} instances in each of {string.Join(", ", regions)}; event queue in {region} ...");
            await moto.SeedAsync(regions, PerRegion, token);
            var queueUrl = await EventQueue.CreateAsync(moto.ServiceUrl, region, token);

            var app = await Measurements.StartConsoleAsync(moto.ServiceUrl, databaseFile, [], token);
            try
            {
                var sync = app.Services.GetRequiredService<FleetSyncService>();
                // The poll path: a first load, then polls where nothing changed (what a scheduled poll costs).
                await sync.SyncAsync(force: true, token);
                var polls = new List<TimeSpan>();
                for (var i = 0; i < 3; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await sync.SyncAsync(force: true, token);
                    polls.Add(Stopwatch.GetElapsedTime(started));
                }
                var poll = polls.Order().ElementAt(polls.Count / 2);

                var saved = await app.Services.GetRequiredService<RegionSettingsService>().UpdateAsync(region,
                    new UpdateRegionRequest(null, null, queueUrl), Caller.System("benchmark"), token);
                if (!saved.Succeeded) throw new InvalidOperationException($"The event queue was refused: {saved.Message}");
                await app.Services.GetRequiredService<BlazorAwsConsole.Fleet.Events.EventQueueSupervisor>().ReconcileAsync(token);

                var latencies = await MeasureEventsAsync(app.Services, moto, region, count, token);
                Print(latencies, poll, polls, count);
                return 0;
            }
            finally
            {
                await Measurements.StopConsoleAsync(app, databaseFile);
            }
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

    private sealed record Sample(TimeSpan FromPut, TimeSpan FromQueued, TimeSpan PutEvents);

    /// <summary>
    /// One event at a time: the instance is stopped (or started) in moto behind the console's back, its
    /// state-change event is put, and the clock stops when the LiveFeed carries that change.
    /// </summary>
    private static async Task<List<Sample>> MeasureEventsAsync(IServiceProvider services, MotoFleet moto, string region, int count, CancellationToken token)
    {
        var snapshot = services.GetRequiredService<FleetSnapshot>();
        var instances = snapshot.Instances.Where(i => i.Region == region).Select(i => i.InstanceId).Order(StringComparer.Ordinal).Take(20).ToList();
        var published = new ConcurrentDictionary<(string Id, string State), long>();
        using var watching = services.GetRequiredService<LiveFeed>().Subscribe<FleetChanged>(changed =>
        {
            var at = Stopwatch.GetTimestamp();
            foreach (var change in changed.Changes.Where(c => c.Kind == ChangeKind.State))
            {
                published.TryAdd((change.InstanceId, change.NewValue ?? ""), at);
            }
            return Task.CompletedTask;
        }, queueCapacity: 1024);

        using var ec2 = moto.Client(region);
        using var bridge = new MotoEventBridge(moto.ServiceUrl, region);
        var samples = new List<Sample>();
        for (var i = 0; i < count; i++)
        {
            var id = instances[i % instances.Count];
            var stopping = snapshot.Find(id)!.State == "running";
            var state = stopping ? "stopped" : "running";
            if (stopping) await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [id] }, token);
            else await ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [id] }, token);
            published.TryRemove((id, state), out _);

            var put = Stopwatch.GetTimestamp();
            await bridge.PutStateChangeAsync(id, state);
            var queued = Stopwatch.GetTimestamp();
            var deadline = Stopwatch.GetTimestamp();
            long at;
            while (!published.TryGetValue((id, state), out at))
            {
                if (Stopwatch.GetElapsedTime(deadline) > TimeSpan.FromSeconds(60)) throw new TimeoutException($"event {i + 1}: {id} → {state} was not published within 60 s");
                await Task.Delay(1, token);
            }
            samples.Add(new Sample(Stopwatch.GetElapsedTime(put, at), Stopwatch.GetElapsedTime(queued, at), Stopwatch.GetElapsedTime(put, queued)));
            if ((i + 1) % 50 == 0) Console.WriteLine($"  {i + 1} events ...");
        }
        return samples;
    }

    private static void Print(List<Sample> samples, TimeSpan poll, List<TimeSpan> polls, int count)
    {
        static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:N0} ms";
        TimeSpan P(Func<Sample, TimeSpan> of, double q) => Percentile(samples.Select(of).ToList(), q);
        var p50 = P(s => s.FromQueued, 0.50);
        var p99 = P(s => s.FromQueued, 0.99);
        Console.WriteLine($"\nEC2 state change → change stored and published on the LiveFeed, {count} events one at a time (load average {SlowSyncBenchmark.LoadAverage()})");
        Console.WriteLine($"  from the event on the queue (PutEvents returned):  min {Ms(samples.Min(s => s.FromQueued))}, p50 {Ms(p50)}, p99 {Ms(p99)}, max {Ms(samples.Max(s => s.FromQueued))}   goal ≤ 1 s: {(p99 <= TimeSpan.FromSeconds(1) ? "met" : "missed")} (p99)");
        Console.WriteLine($"  from PutEvents sent:                               p50 {Ms(P(s => s.FromPut, 0.50))}, p99 {Ms(P(s => s.FromPut, 0.99))}");
        Console.WriteLine($"  of which PutEvents itself (moto's EventBridge → SQS): p50 {Ms(P(s => s.PutEvents, 0.50))}, p99 {Ms(P(s => s.PutEvents, 0.99))}");
        Console.WriteLine($"\npoll path: a poll where nothing changed took {Ms(poll)} (median of {string.Join(", ", polls.Select(Ms))}; {PerRegion} instances in each region)");
        // The defaults against AWS (this console runs with a long interval only to keep its own schedule out of the way).
        var defaults = new FleetOptions();
        var interval = defaults.PollInterval(AwsMode.Aws);
        var withEvents = TimeSpan.FromSeconds(Math.Max(interval.TotalSeconds, defaults.PollIntervalWithEventsSeconds));
        foreach (var (name, every) in new[] { ("poll every 60 s (no events)", interval), ($"poll every {withEvents.TotalSeconds:0} s (events flowing)", withEvents) })
        {
            var mean = every / 2 + poll;
            var max = every + poll;
            Console.WriteLine($"  {name,-36} expected detection latency mean {mean.TotalSeconds:0.0} s, max {max.TotalSeconds:0.0} s;  mean / event p50 = {mean / p50:N0}, max / event p99 = {max / p99:N0}");
        }
    }

    private static TimeSpan Percentile(List<TimeSpan> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
