using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Benchmarks.Cluster;
using BlazorAwsConsole.Benchmarks.Probes;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.ProbeLocations.Agents;

namespace BlazorAwsConsole.Benchmarks.Locations;

/// <summary>CPU of one process over the window and the runs it made or took in it.</summary>
internal sealed record ProcessFigure(string Name, TimeSpan Cpu, long Runs)
{
    public double CpuMicrosecondsPerRun => Runs == 0 ? double.NaN : Cpu.TotalMicroseconds / Runs;
}

/// <summary>One phase's window: who ran the tests, what was due, stored, hit at the target, how soon stored, and the CPU.</summary>
internal sealed record PhaseFigure(
    string Name, int Tests, IReadOnlyList<string> Locations, int Minutes, DateTime Start, long Due, IReadOnlyDictionary<string, long> StoredByLocation,
    long StoredTwice, HitCounts Target, double LatencyP50Ms, double LatencyP99Ms, double LatencyMaxMs, long LatencyOver2s,
    ProcessFigure Console, IReadOnlyList<ProcessFigure> Agents, string LoadAtStart, string LoadAtEnd, int FailedPolls, long RowsInDatabase)
{
    public long Stored => StoredByLocation.Values.Sum();

    /// <summary>Due runs with no stored result (per location, then summed).</summary>
    public long Lost => Due - Stored + StoredTwice;
}

/// <summary>
/// One phase of the locations benchmark: a console process (the executable, as the cluster soak starts a node) on a new
/// SQLite file holding N HTTP tests at 60 s against nginx, each test asking for <c>/PREFIX/i</c>. With no agents the
/// tests name no location and the console runs them itself (the anchor: a local HTTP probe's cost); with agents the
/// tests name the agents' locations, made through the API with a token each, and each agent is a
/// <c>dotnet BlazorAwsConsole.dll probe</c> process of its own. After a warm-up (at least a minute, and until every
/// test has been stored once from every location) a window of whole minutes is measured.
/// </summary>
internal static class LocationsPhase
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(1);
    /// <summary>A run's timeout (5 s) plus the writers' batching and the agents' acknowledged batches, with room for a loaded machine.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Ready = TimeSpan.FromMinutes(10);

    public static async Task<PhaseFigure> RunAsync(string name, string prefix, NginxTarget nginx, int tests, IReadOnlyList<string> agentLocations, int minutes,
        string workDir, CancellationToken cancellationToken)
    {
        var node = ClusterSoak.NodeSettings();
        var file = Path.Combine(workDir, $"{prefix}.db");
        await using var database = SoakDatabase.Sqlite(file);
        Console.WriteLine($"  migrating and storing {tests:N0} HTTP tests at {Interval.TotalSeconds:0} s{(agentLocations.Count > 0 ? $" from {string.Join(" and ", agentLocations)}" : " from the console's own location")} ...");
        var list = Enumerable.Range(1, tests).Select(i => new SyntheticTest
        {
            Name = $"bench {prefix} http {i}", Type = ProbeType.Http, Target = $"{nginx.Url}{prefix}/{i}", TimeoutSeconds = 5,
            FrequencySeconds = (int)Interval.TotalSeconds, Locations = [.. agentLocations],
        }).ToList();
        var ids = await database.PrepareAsync(node, list, cancellationToken);
        var key = await ConsoleCli.RunAsync(["apikey", "create", "--role", "Admin", "--name", "locations-bench", .. node.Concat(database.Settings).Select(s => "--" + s)]);
        if (key.ExitCode != 0) throw new InvalidOperationException($"apikey create exited with {key.ExitCode}: {key.Stderr}");

        var since = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        await using var console = ConsoleProcess.Start("console", [.. node, .. database.Settings]);
        var agents = new List<(string Location, AgentProcess Process)>();
        try
        {
            await console.WaitReadyAsync(Ready, "database", "scheduler").WaitAsync(cancellationToken);
            Console.WriteLine($"  console ready after {clock.Elapsed.TotalSeconds:N0} s (pid {console.ProcessId})");
            using var http = new HttpClient { BaseAddress = console.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Stdout.Trim());
            foreach (var location in agentLocations)
            {
                var (locationId, token) = await LocationWithTokenAsync(http, location, cancellationToken);
                var agent = AgentProcess.Start(token, "--server", console.BaseAddress.ToString(), "--location", location, "--name", $"agent-{location}");
                agents.Add((location, agent));
                await Poll.UntilAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{locationId}", cancellationToken))
                    .GetProperty("agents").GetArrayLength() == 1, TimeSpan.FromMinutes(2), () => $"agent of {location} never connected\n{agent.Output}");
                Console.WriteLine($"  agent of {location} connected (pid {agent.ProcessId})");
            }

            await using var watch = StoreWatch.Start(database.Contexts);
            var locations = agentLocations.Count > 0 ? agentLocations : [ProbeResult.DefaultLocation];
            await WarmAsync(watch, tests, locations, since, cancellationToken);

            // The window: whole minutes from the next whole second, so every test is due exactly `minutes` times per location.
            var start = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            await Task.Delay(start - DateTime.UtcNow, cancellationToken);
            var loadAtStart = SoakWindow.LoadAverage();
            var consoleCpu = ProcessCpu.Of(console.ProcessId);
            var agentCpu = agents.Select(a => ProcessCpu.Of(a.Process.ProcessId)).ToArray();
            var window = Stopwatch.StartNew();
            Console.WriteLine($"  window {start:HH:mm:ss}–{start.AddMinutes(minutes):HH:mm:ss} UTC, load average {loadAtStart}");
            for (var minute = 1; minute <= minutes; minute++)
            {
                await Task.Delay(TimeSpan.FromMinutes(minute) - window.Elapsed, cancellationToken);
                Console.WriteLine($"    {minute} min: {watch.Seen.Count:N0} results stored since the console started, load average {SoakWindow.LoadAverage()}");
            }
            consoleCpu = ProcessCpu.Of(console.ProcessId) - consoleCpu;
            agentCpu = [.. agents.Select((a, i) => ProcessCpu.Of(a.Process.ProcessId) - agentCpu[i])];
            var loadAtEnd = SoakWindow.LoadAverage();
            foreach (var (location, agent) in agents)
                if (agent.HasExited) throw new InvalidOperationException($"the agent of {location} exited during the window\n{agent.Output}");

            // The runs due at the window's end finish and are stored; the watch keeps stamping them meanwhile.
            await Task.Delay(Settle, cancellationToken);
            var rows = await database.CountAsync(cancellationToken);
            await watch.DisposeAsync();
            var figure = Figure(name, prefix, nginx, tests, agentLocations, locations, minutes, start, ids, watch, consoleCpu,
                [.. agents.Select((a, i) => (a.Location, agentCpu[i]))], loadAtStart, loadAtEnd, rows);
            SaveLogs(prefix, console, agents);
            return figure;
        }
        catch
        {
            Console.Error.WriteLine(console.Output);
            foreach (var (_, agent) in agents) Console.Error.WriteLine(agent.Output);
            throw;
        }
        finally
        {
            foreach (var (_, agent) in agents) await agent.DisposeAsync();
        }
    }

    private static async Task<(int Id, string Token)> LocationWithTokenAsync(HttpClient http, string location, CancellationToken cancellationToken)
    {
        var added = await http.PostAsJsonAsync("/api/probe-locations",
            new { name = location, region = "eu-west-1", description = "locations benchmark: an agent on this machine" }, cancellationToken);
        if (!added.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/probe-locations: {(int)added.StatusCode} {await added.Content.ReadAsStringAsync(cancellationToken)}");
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt32();
        var made = await http.PostAsJsonAsync($"/api/probe-locations/{id}/tokens", new { name = "bench" }, cancellationToken);
        if (!made.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/probe-locations/{id}/tokens: {(int)made.StatusCode} {await made.Content.ReadAsStringAsync(cancellationToken)}");
        return (id, (await made.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString()!);
    }

    /// <summary>At least <see cref="WarmUp"/>, and until every test has a run stored from every location since the console started (at most two intervals more).</summary>
    private static async Task WarmAsync(StoreWatch watch, int tests, IReadOnlyList<string> locations, DateTime since, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<(int, string)>();
        var expected = tests * locations.Count;
        while (clock.Elapsed < WarmUp + 2 * Interval)
        {
            foreach (var run in watch.Seen) if (run.ScheduledTicks >= since.Ticks) seen.Add((run.TestId, run.Location));
            if (seen.Count >= expected && clock.Elapsed >= WarmUp) break;
            await Task.Delay(1000, cancellationToken);
        }
        Console.WriteLine($"  warm-up (not counted): {seen.Count:N0} of {expected:N0} test × location stored after {clock.Elapsed.TotalSeconds:N0} s");
    }

    private static PhaseFigure Figure(string name, string prefix, NginxTarget nginx, int tests, IReadOnlyList<string> agentLocations, IReadOnlyList<string> locations,
        int minutes, DateTime start, Dictionary<int, int> ids, StoreWatch watch, TimeSpan consoleCpu, IReadOnlyList<(string Location, TimeSpan Cpu)> agentCpu,
        string loadAtStart, string loadAtEnd, long rows)
    {
        long from = start.Ticks, to = start.AddMinutes(minutes).Ticks;
        var all = watch.Seen.ToList();
        var inWindow = all.Where(r => r.ScheduledTicks >= from && r.ScheduledTicks < to).ToList();
        var byLocation = locations.ToDictionary(l => l, l => (long)inWindow.Count(r => string.Equals(r.Location, l, StringComparison.OrdinalIgnoreCase)),
            StringComparer.OrdinalIgnoreCase);
        // A (test, location) stored more often than it was due in the window (the unique key allows it only at another scheduled time).
        var storedTwice = inWindow.GroupBy(r => (r.TestId, r.Location)).Sum(g => (long)Math.Max(0, g.Count() - minutes));
        var latencies = inWindow.Select(r => r.StoreLatencyMs).Order().ToList();
        var phases = all.GroupBy(r => r.TestId).ToDictionary(g => g.Key, g => g.First().ScheduledTicks % Interval.Ticks);
        var hits = TargetHits.Count(nginx.HitLog!, prefix, ids, phases, locations.Count, start, minutes, Interval);
        var due = (long)tests * minutes * locations.Count;
        var local = agentLocations.Count == 0;
        return new PhaseFigure(name, tests, locations, minutes, start, due, byLocation, storedTwice, hits,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count == 0 ? double.NaN : latencies[^1], latencies.LongCount(l => l > 2000),
            // The console's CPU per run: its own runs (anchor), or the agents' results it received and stored.
            new ProcessFigure(local ? "console (runs and stores)" : "console (stores the agents' results)", consoleCpu, inWindow.Count),
            [.. agentCpu.Select(a => new ProcessFigure($"agent of {a.Location}", a.Cpu, byLocation[a.Location]))],
            loadAtStart, loadAtEnd, watch.FailedPolls, rows);
    }

    private static void SaveLogs(string prefix, ConsoleProcess console, IEnumerable<(string Location, AgentProcess Process)> agents)
    {
        var log = Path.Combine(Path.GetTempPath(), $"locations-bench-{prefix}.log");
        File.WriteAllText(log, string.Join("\n", [console.Output, .. agents.Select(a => a.Process.Output)]));
        Console.WriteLine($"  the processes' last log lines: {log}");
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : ProbeRollups.Percentile(sorted, p);
}
