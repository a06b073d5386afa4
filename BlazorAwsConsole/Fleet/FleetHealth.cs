namespace BlazorAwsConsole.Fleet;

/// <summary>The health questions the grid filter, the metrics and the pages ask of an instance.</summary>
public static class FleetHealth
{
    /// <summary>The dashboard's and metrics' horizon for "scheduled event soon".</summary>
    public const int ScheduledWithinDays = 7;

    /// <summary>The grid's status-check filter values.</summary>
    public static IReadOnlyList<string> Filters { get; } = ["impaired", "initializing", "passed", "scheduled"];

    public static bool IsImpaired(Instance instance) => instance.StatusChecks?.IsImpaired == true;

    /// <summary>An event that starts before <paramref name="horizon"/> (or has no start given).</summary>
    public static bool HasScheduledEventBefore(Instance instance, DateTime horizon) =>
        instance.ScheduledEvents.Any(e => e.NotBefore is null || e.NotBefore <= horizon);

    /// <summary>
    /// What the dashboard and the wall count: impaired instances, and instances with a scheduled event
    /// starting within <see cref="ScheduledWithinDays"/> of <paramref name="now"/> (as the metrics count them).
    /// </summary>
    public static HealthCounts Count(IEnumerable<Instance> instances, DateTime now)
    {
        var horizon = now.AddDays(ScheduledWithinDays);
        int impaired = 0, scheduled = 0;
        foreach (var instance in instances)
        {
            if (IsImpaired(instance)) impaired++;
            if (HasScheduledEventBefore(instance, horizon)) scheduled++;
        }
        return new HealthCounts(impaired, scheduled);
    }

    public static bool Matches(Instance instance, string filter) => filter switch
    {
        "impaired" => IsImpaired(instance),
        "initializing" => instance.StatusChecks?.Summary == "initializing",
        "passed" => instance.StatusChecks?.Summary.EndsWith("checks passed", StringComparison.Ordinal) == true,
        "scheduled" => instance.ScheduledEvents.Count > 0,
        _ => true,
    };
}

/// <summary>Impaired instances and instances with a scheduled event within <see cref="FleetHealth.ScheduledWithinDays"/> days.</summary>
public sealed record HealthCounts(int Impaired, int ScheduledSoon)
{
    public static HealthCounts None { get; } = new(0, 0);
}
