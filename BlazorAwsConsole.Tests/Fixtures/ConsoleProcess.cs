using System.Collections.Concurrent;
using System.Diagnostics;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// The console's real executable (`dotnet BlazorAwsConsole.dll --urls http://127.0.0.1:PORT --Key=Value ...`) as
/// a process of its own, as an operator runs a node: its output kept (the last lines) for a failing test's message,
/// <see cref="Kill"/> for a node that dies (SIGKILL, nothing cleaned up), killed too when disposed.
/// Linked into BlazorAwsConsole.Benchmarks as well (the cluster soak's nodes), so it uses no test framework.
/// </summary>
public sealed class ConsoleProcess : IAsyncDisposable
{
    private const int KeptLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ConsoleProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The process's last lines of stdout and stderr, with its exit when it has exited.</summary>
    public string Output => $"--- {Name} (pid {_process.Id}, {(_process.HasExited ? $"exited with {_process.ExitCode}" : "running")}) at {BaseAddress}\n" +
        string.Join('\n', _lines);

    /// <summary>
    /// Starts the console on a free loopback port with <paramref name="settings"/> ("Key=Value", given as --Key=Value);
    /// given <paramref name="cpus"/> (a <c>taskset</c> list such as "0"), the process runs on those cores only from its
    /// first instruction, so the runtime sizes its thread pool and GC for them (the cluster benchmark's capacity search).
    /// </summary>
    public static ConsoleProcess Start(string name, IEnumerable<string> settings, string? cpus = null)
    {
        var port = LoopbackPort.Free();
        var start = ConsoleCli.StartInfo(["--urls", $"http://127.0.0.1:{port}", .. settings.Select(setting => "--" + setting)]);
        if (cpus is not null)
        {
            // taskset execs dotnet in its own process, so the id stays the console's.
            start.ArgumentList.Insert(0, start.FileName);
            start.ArgumentList.Insert(0, cpus);
            start.ArgumentList.Insert(0, "-c");
            start.FileName = "taskset";
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        return new ConsoleProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>
    /// Waits until <c>/healthz/ready</c> answers 200: database reachable, AWS answering, this node's scheduler checking in;
    /// or, given <paramref name="checks"/>, until those checks of its answer are Healthy (the benchmarks' soak needs the
    /// database and the scheduler, not a moto that a loaded machine makes slower than the AWS check's 3 s).
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout, params string[] checks)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited before it was ready\n{Output}");
            try
            {
                var answer = await http.GetAsync("/healthz/ready");
                if (answer.IsSuccessStatusCode) return;
                last = $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}";
                if (checks.Length > 0 && AllHealthy(last[(last.IndexOf(':') + 2)..], checks)) return;
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException)
            {
                last = "timed out";
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} not ready after {timeout.TotalSeconds:0} s (last: {last})\n{Output}");
            await Task.Delay(1000);
        }
    }

    private static bool AllHealthy(string report, string[] checks)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(report);
            return checks.All(name => json.RootElement.TryGetProperty("checks", out var all) && all.TryGetProperty(name, out var check)
                && check.GetProperty("status").GetString() == "Healthy");
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the node dies at once, leaving its Quartz check-in row, acquired triggers and unsaved results behind.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        while (_lines.Count > KeptLines) _lines.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
