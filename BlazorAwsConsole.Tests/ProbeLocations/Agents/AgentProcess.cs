using System.Collections.Concurrent;
using System.Diagnostics;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>
/// The real probe agent (`dotnet BlazorAwsConsole.dll probe …`) as a child process, its output kept; killed (SIGKILL) when disposed.
/// Linked into BlazorAwsConsole.Benchmarks as well (the locations benchmark's agents), so it uses no test framework.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AgentProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => { if (line.Data is not null) _lines.Enqueue(line.Data); };
        _process.ErrorDataReceived += (_, line) => { if (line.Data is not null) _lines.Enqueue(line.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts `probe ARGS` with <paramref name="token"/> in PROBE_TOKEN (none at all when null).</summary>
    public static AgentProcess Start(string? token, params string[] args) => Start(token, start => start, args);

    /// <param name="wrap">Changes the command before it starts, e.g. to run it inside a network namespace.</param>
    public static AgentProcess Start(string? token, Func<ProcessStartInfo, ProcessStartInfo> wrap, params string[] args)
    {
        var start = ConsoleCli.StartInfo(["probe", .. args]);
        start.Environment.Remove("PROBE_TOKEN");
        if (token is not null) start.Environment["PROBE_TOKEN"] = token;
        return new AgentProcess(Process.Start(wrap(start)) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    public IReadOnlyList<string> Lines => [.. _lines];
    public string Output => $"--- agent (pid {_process.Id}, {(_process.HasExited ? $"exited with {_process.ExitCode}" : "running")})\n{string.Join('\n', _lines)}";
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public Task WaitForLineAsync(string text, TimeSpan timeout) =>
        Poll.UntilAsync(() => _lines.Any(l => l.Contains(text, StringComparison.Ordinal)), timeout, () => $"the agent never logged \"{text}\"\n{Output}");

    public Task<bool> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(new CancellationTokenSource(timeout).Token).ContinueWith(t => t.IsCompletedSuccessfully);

    /// <summary>SIGKILL: the agent gets no chance to say goodbye; the console notices its socket closing.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
