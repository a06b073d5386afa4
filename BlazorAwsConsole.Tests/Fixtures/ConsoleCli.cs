using System.Diagnostics;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// The real executable run as an admin command (`dotnet BlazorAwsConsole.dll VERB ...`), its output captured.
/// Linked into BlazorAwsConsole.Benchmarks as well (the cluster soak starts its nodes this way), so it uses no test framework.
/// </summary>
public static class ConsoleCli
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr);

    /// <summary>`dotnet BlazorAwsConsole.dll ARGS` from the test output folder, output redirected: the one way tests start the executable.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BlazorAwsConsole.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    public static async Task<Run> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            // Not an xunit type: the benchmarks link this file too (their cluster soak migrates with it).
            throw new TimeoutException($"`BlazorAwsConsole {string.Join(' ', args)}` did not exit within 120 s");
        }
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
