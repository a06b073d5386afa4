namespace BlazorAwsConsole.Probes.Export;

/// <summary>Which stored results a listing or an export covers: a test, a time range (from inclusive, to exclusive) and an outcome.</summary>
public sealed record ProbeResultFilter(int? TestId, DateTime? From, DateTime? To, bool? Success);
