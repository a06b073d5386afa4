namespace BlazorAwsConsole.Fleet.Events;

/// <summary>
/// The kinds of AWS notice the event queue stores as <see cref="ChangeKind.AwsNotice"/> change records,
/// by the record's field: "spot-interruption", "rebalance-recommendation", or "health:CODE" for AWS Health.
/// Alert rules name a kind with the same words.
/// </summary>
public static class AwsNoticeKinds
{
    public const string SpotInterruption = "spot-interruption";
    public const string RebalanceRecommendation = "rebalance-recommendation";
    public const string Health = "health";

    public static IReadOnlyList<string> All { get; } = [SpotInterruption, RebalanceRecommendation, Health];

    /// <summary>The change record's field for an AWS Health event of this code.</summary>
    public static string HealthField(string code) => $"{Health}:{code}";

    /// <summary>Whether a notice's field is of <paramref name="kind"/> (null or empty: any kind).</summary>
    public static bool IsOfKind(string field, string? kind) =>
        string.IsNullOrEmpty(kind) || field == kind || (kind == Health && field.StartsWith(Health + ":", StringComparison.Ordinal));
}
