namespace BlazorAwsConsole.Probes;

/// <summary>
/// The three levels of a run: <c>up</c> (passed), <c>degraded</c> (passed, but slower than the test's
/// degradedAboveMs) and <c>down</c> (failed). <see cref="ProbeResult.Success"/> stays true for up and
/// degraded, so everything that counts failures keeps counting the same runs.
/// </summary>
public enum ProbeHealth
{
    Up,
    Degraded,
    Down,
}

public static class ProbeHealthRules
{
    /// <summary>
    /// A passing run is degraded when its response time (or, without one, its duration) is above the
    /// limit; a failing run is down whatever its time.
    /// </summary>
    public static bool IsDegraded(bool success, double? responseTimeMs, double durationMs, int? degradedAboveMs) =>
        success && degradedAboveMs is { } limit && (responseTimeMs ?? durationMs) > limit;

    public static string Name(ProbeHealth health) => health.ToString().ToLowerInvariant();
}
