using System.Diagnostics;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// One run of a probe that always ends in an outcome: the runner honours the test's timeout itself, and a backstop
/// (timeout + 5 s) ends one that does not; a runner that throws becomes a failed outcome saying so. The console's engine
/// and the probe agent run every probe through here, so a run fails the same way wherever it ran.
/// </summary>
public static class SafeProbeRun
{
    /// <param name="run">The runner to call (the type's runner, or SSM on an instance).</param>
    /// <param name="stoppingToken">The process is stopping: the run is abandoned (the exception propagates).</param>
    public static async Task<ProbeOutcome> RunAsync(Func<ProbeSpec, CancellationToken, Task<ProbeOutcome>> run, ProbeSpec spec, TimeProvider time,
        ILogger logger, CancellationToken stoppingToken)
    {
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var backstop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        backstop.CancelAfter(spec.Timeout + TimeSpan.FromSeconds(5));
        try
        {
            return await run(spec, backstop.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return Failed($"no answer within the {spec.Timeout.TotalSeconds:0.#} s timeout");
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(error, "Probe of test {TestId} failed unexpectedly", spec.TestId);
            return Failed($"probe error: {error.Message}");
        }

        ProbeOutcome Failed(string reason) => new()
        {
            Success = false,
            Reason = reason,
            StartedAt = started,
            DurationMs = clock.Elapsed.TotalMilliseconds,
        };
    }
}
