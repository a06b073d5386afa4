namespace BlazorAwsConsole.Probes.Export;

/// <summary>
/// Which stored results a listing or an export covers: a test, a time range (from inclusive, to
/// exclusive), an outcome (success), a status (up, degraded, down) and a probe location (its name, any case). The JSON page and the CSV
/// stream apply the same filter, so an export holds exactly what the listing shows.
/// </summary>
public sealed record ProbeResultFilter(int? TestId, DateTime? From, DateTime? To, bool? Success, ProbeHealth? Status = null, string? Location = null)
{
    public IQueryable<ProbeResult> Apply(IQueryable<ProbeResult> results)
    {
        if (TestId is { } testId) results = results.Where(r => r.TestId == testId);
        if (From is { } from) results = results.Where(r => r.StartedAt >= from);
        if (To is { } to) results = results.Where(r => r.StartedAt < to);
        if (Success is { } success) results = results.Where(r => r.Success == success);
        if (Location is { } location)
        {
            var key = ProbeLocations.ProbeLocation.KeyOf(location);
            results = results.Where(r => r.Location.ToLower() == key);
        }
        results = Status switch
        {
            ProbeHealth.Up => results.Where(r => r.Success && !r.Degraded),
            ProbeHealth.Degraded => results.Where(r => r.Success && r.Degraded),
            ProbeHealth.Down => results.Where(r => !r.Success),
            _ => results,
        };
        return results;
    }
}
