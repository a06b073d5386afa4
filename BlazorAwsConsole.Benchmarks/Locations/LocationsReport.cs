namespace BlazorAwsConsole.Benchmarks.Locations;

/// <summary>The two phases side by side, then issue 22's goals with the ratios against the anchor of the same run.</summary>
internal static class LocationsReport
{
    private const double LatencyP99GoalMs = 2000;
    private const double ConsoleShareGoal = 0.25;
    private const double AgentRatioGoal = 1.2;

    public static void Print(PhaseFigure anchor, PhaseFigure agents)
    {
        PhaseFigure[] phases = [anchor, agents];
        Console.WriteLine();
        Console.WriteLine($"locations benchmark: {agents.Tests:N0} HTTP tests at 60 s, {agents.Minutes} min window per phase, {Environment.ProcessorCount} cores");
        Console.WriteLine("store latency = first seen stored by a 250 ms poll of the database − the run's end (start + duration): an upper bound");
        Console.WriteLine();
        Console.WriteLine($"| figure | {string.Join(" | ", phases.Select(p => p.Name))} |");
        Console.WriteLine("| --- | ---: | ---: |");
        Row("locations", p => string.Join(", ", p.Locations));
        Row("runs due in the window (tests × minutes × locations)", p => $"{p.Due:N0}");
        Row("stored, per location", p => string.Join(", ", p.StoredByLocation.Select(s => $"{s.Key} {s.Value:N0}")));
        Row("stored per minute", p => $"{p.Stored / (double)p.Minutes:N0}");
        Row("lost: due − stored (goal 0)", p => Goal($"{p.Lost:N0}", p.Lost == 0));
        Row("hits at the target for the due runs", p => $"{p.Target.Hits:N0}");
        Row("runs made twice at the target (goal 0)", p => Goal($"{p.Target.MadeTwice:N0}", p.Target.MadeTwice == 0));
        Row("runs not made at the target", p => $"{p.Target.NotMade:N0}");
        Row("stored twice (a test × location more than once a minute; goal 0)", p => Goal($"{p.StoredTwice:N0}", p.StoredTwice == 0));
        Row("store latency p50 / p99 / max (goal p99 ≤ 2 s)", p => Goal($"{p.LatencyP50Ms:N0} / {p.LatencyP99Ms:N0} / {p.LatencyMaxMs:N0} ms", p.LatencyP99Ms <= LatencyP99GoalMs));
        Row("results stored over 2 s after their run", p => $"{p.LatencyOver2s:N0}");
        Row("console CPU in the window", p => $"{p.Console.Cpu.TotalSeconds:N1} s ({p.Console.Cpu / (TimeSpan.FromMinutes(p.Minutes) * Environment.ProcessorCount):P1} of the machine)");
        Row("console CPU per result", p => $"{p.Console.CpuMicrosecondsPerRun:N0} µs");
        Row("agents' CPU in the window", p => p.Agents.Count == 0 ? "–" : string.Join(", ", p.Agents.Select(a => $"{a.Name} {a.Cpu.TotalSeconds:N1} s")));
        Row("agents' CPU per probe", p => p.Agents.Count == 0 ? "–" : string.Join(", ", p.Agents.Select(a => $"{a.Name} {a.CpuMicrosecondsPerRun:N0} µs")));
        Row("load average at start / end", p => $"{p.LoadAtStart}; {p.LoadAtEnd}");
        Row("result rows in the database", p => $"{p.RowsInDatabase:N0}");
        Row("database polls that failed (retried)", p => $"{p.FailedPolls:N0}");

        var local = anchor.Console.CpuMicrosecondsPerRun;
        Console.WriteLine();
        Console.WriteLine($"anchor: a local HTTP probe costs the console {local:N0} µs CPU (runs and stores it)");
        var share = agents.Console.CpuMicrosecondsPerRun / local;
        Console.WriteLine($"console CPU per received result ÷ per local probe: {share:P0}   goal ≤ {ConsoleShareGoal:P0}: {Met(share <= ConsoleShareGoal)}");
        foreach (var agent in agents.Agents)
        {
            var ratio = agent.CpuMicrosecondsPerRun / local;
            Console.WriteLine($"{agent.Name} CPU per probe ÷ the console's per local probe: {ratio:N2}×   goal ≤ {AgentRatioGoal:N1}×: {Met(ratio <= AgentRatioGoal)}");
        }
        Console.WriteLine($"store latency p99 from the agents: {agents.LatencyP99Ms:N0} ms   goal ≤ {LatencyP99GoalMs:N0} ms: {Met(agents.LatencyP99Ms <= LatencyP99GoalMs)}");
        Console.WriteLine($"lost from the agents: {agents.Lost:N0}   goal 0: {Met(agents.Lost == 0)}");
        var duplicated = agents.Target.MadeTwice + agents.StoredTwice;
        Console.WriteLine($"duplicated from the agents (made twice at the target + stored twice): {duplicated:N0}   goal 0: {Met(duplicated == 0)}");
        Console.WriteLine($"runs stored a minute from the agents: {agents.Stored / (double)agents.Minutes:N0}   goal {agents.Tests * agents.Locations.Count:N0}: {Met(agents.Stored >= agents.Due)}");

        void Row(string label, Func<PhaseFigure, string> cell) =>
            Console.WriteLine($"| {label} | {string.Join(" | ", phases.Select(cell))} |");
    }

    private static string Met(bool met) => met ? "met" : "NOT met";

    private static string Goal(string figure, bool met) => met ? figure : $"**{figure}**";
}
