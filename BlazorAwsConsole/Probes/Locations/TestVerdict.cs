namespace BlazorAwsConsole.Probes.Locations;

/// <summary>One location's part in a test's verdict: its latest run there (null status: it has not run there yet).</summary>
public sealed record LocationStatus(string Location, ProbeHealth? Status, string Reason, DateTime? LastRunAt);

/// <summary>
/// A test's status across its locations: down when at least the test's failWhen threshold of locations are down in
/// their latest runs, degraded when at least that many are degraded or down, up otherwise; unknown (null) until some
/// location has run it. <see cref="Summary"/> names the locations that are not up ("down from 2 of 3 locations:
/// eu-west-1 timeout, ap-southeast-2 timeout; console ok").
/// </summary>
public sealed record TestVerdict(ProbeHealth? Status, string Summary, IReadOnlyList<LocationStatus> Locations)
{
    public static TestVerdict Of(SyntheticTest test, IReadOnlyDictionary<string, ProbeResult> latestByLocation, string consoleLocation)
    {
        var locations = test.EffectiveLocations(consoleLocation);
        var rows = locations.Select(name => latestByLocation.TryGetValue(ProbeLocations.ProbeLocation.KeyOf(name), out var last)
            ? new LocationStatus(name, last.Status, last.Reason, last.StartedAt)
            : new LocationStatus(name, null, "no run from here yet", null)).ToList();
        if (rows.All(r => r.Status is null)) return new TestVerdict(null, "no run yet", rows);

        var threshold = FailWhenRules.Threshold(test.FailWhen, test.FailWhenAtLeast, rows.Count);
        var down = rows.Count(r => r.Status == ProbeHealth.Down);
        var notUp = rows.Count(r => r.Status is ProbeHealth.Down or ProbeHealth.Degraded);
        var status = down >= threshold ? ProbeHealth.Down : notUp >= threshold ? ProbeHealth.Degraded : ProbeHealth.Up;
        return new TestVerdict(status, Summarize(rows, status, down, notUp), rows);
    }

    private static string Summarize(List<LocationStatus> rows, ProbeHealth status, int down, int notUp)
    {
        if (rows.Count == 1) return rows[0].Reason;
        var head = status switch
        {
            ProbeHealth.Down => $"down from {down} of {rows.Count} locations",
            ProbeHealth.Degraded => $"degraded from {notUp} of {rows.Count} locations",
            _ when notUp > 0 => $"up ({notUp} of {rows.Count} locations not up, below the failWhen threshold)",
            _ => $"up from {rows.Count} locations",
        };
        var bad = rows.Where(r => r.Status is not ProbeHealth.Up).Select(r => $"{r.Location} {r.Reason}");
        var good = rows.Where(r => r.Status is ProbeHealth.Up).Select(r => r.Location).ToList();
        var detail = string.Join(", ", bad);
        if (good.Count > 0) detail = detail.Length == 0 ? $"{string.Join(", ", good)} ok" : $"{detail}; {string.Join(", ", good)} ok";
        return $"{head}: {detail}";
    }
}
