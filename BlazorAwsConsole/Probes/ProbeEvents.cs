namespace BlazorAwsConsole.Probes;

/// <summary>Published after a batch of results is stored: read the board or the database for the rest.</summary>
public sealed record ProbeResultsStored(IReadOnlyList<ProbeResult> Results);

/// <summary>Published after a test was added, edited, paused, resumed or deleted (<paramref name="Deleted"/>).</summary>
public sealed record SyntheticTestChanged(int TestId, bool Deleted);
