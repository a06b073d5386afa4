namespace BlazorAwsConsole.Probes.Locations;

/// <summary>
/// "Failed N times in a row" for a test run from several locations: each location counts its own run of failures, and
/// the test counts as failing when at least its failWhen threshold of locations have each failed N times in a row (a
/// test run from one location: that location's run of failures, as before locations). A rule naming one location
/// counts that location alone.
/// </summary>
public sealed record RepeatedFailures(bool Failing, IReadOnlyList<(string Location, int Failures, string? Reason)> Locations)
{
    public static RepeatedFailures Of(SyntheticTest test, ProbeStatus status, string consoleLocation, int times, string? onlyLocation = null)
    {
        var names = onlyLocation is null ? test.EffectiveLocations(consoleLocation) : [onlyLocation];
        var failing = names
            .Select(name => (Name: name, Key: ProbeLocations.ProbeLocation.KeyOf(name)))
            .Select(l => (l.Name, Failures: status.ConsecutiveFailuresByLocation.GetValueOrDefault(l.Key), status.LastByLocation.GetValueOrDefault(l.Key)?.Reason))
            .Where(l => l.Failures >= times)
            .ToList();
        var threshold = onlyLocation is null ? FailWhenRules.Threshold(test.FailWhen, test.FailWhenAtLeast, names.Count) : 1;
        return new RepeatedFailures(failing.Count >= threshold, failing);
    }

    /// <summary>"failed 3 times in a row: timeout", or with several locations "failed at least 3 times in a row from 2 of 3 locations: eu timeout, ap timeout".</summary>
    public string Describe(int times, int locationCount) => Locations.Count == 1 && locationCount == 1
        ? $"failed {Locations[0].Failures} times in a row: {Locations[0].Reason}"
        : $"failed at least {times} times in a row from {Locations.Count} of {locationCount} locations: {string.Join(", ", Locations.Select(l => $"{l.Location} {l.Reason}"))}";
}
