namespace BlazorAwsConsole.Alerts;

/// <summary>What a rule watches. Serialized in camelCase (<c>instanceState</c>, <c>testFailures</c> …).</summary>
public enum AlertCondition
{
    /// <summary>An instance (by id, or every instance with a tag) is in <see cref="AlertRule.State"/>.</summary>
    InstanceState,
    /// <summary>An instance (by id or tag) left the fleet (terminated and gone, or deleted) within the last day.</summary>
    InstanceDisappeared,
    /// <summary>A test (by id, by tag, or every test) failed <see cref="AlertRule.ConsecutiveFailures"/> times in a row.</summary>
    TestFailures,
    /// <summary>A test's response time stayed above <see cref="AlertRule.ThresholdMs"/> for <see cref="AlertRule.ForMinutes"/>.</summary>
    TestSlow,
    /// <summary>A test's success rate over <see cref="AlertRule.WindowMinutes"/> fell below <see cref="AlertRule.SuccessRateBelow"/> %.</summary>
    TestSuccessRate,
    /// <summary>A traceroute test's latest run took a different route from the run before.</summary>
    RouteChanged,
    /// <summary>A region has not synced for longer than <see cref="AlertRule.StaleMinutes"/>.</summary>
    RegionStale,
    /// <summary>A credential set's key is within <see cref="AlertRule.DaysBeforeLimit"/> days of the age limit (or past it).</summary>
    CredentialAge,
    /// <summary>A test's runs have been degraded (passing, but slower than its degradedAboveMs) for <see cref="AlertRule.ForMinutes"/>.</summary>
    TestDegraded,
    /// <summary>An instance (by id or tag) has had an EC2 status check impaired for <see cref="AlertRule.ForMinutes"/>.</summary>
    StatusCheckImpaired,
    /// <summary>An instance (by id or tag) has an EC2 scheduled event starting within <see cref="AlertRule.WithinDays"/> days.</summary>
    ScheduledEvent,
    /// <summary>
    /// AWS sent a notice about an instance (by id or tag) through the region's event queue within the last
    /// <see cref="AlertRule.WindowMinutes"/>: a Spot interruption warning, a rebalance recommendation or an
    /// AWS Health event (<see cref="AlertRule.NoticeKind"/>; none: any of them).
    /// </summary>
    AwsNotice,
    /// <summary>
    /// A probe location (<see cref="AlertRule.Location"/>; none: every location that enabled tests run from) has had no
    /// live probe agent for <see cref="AlertRule.ForMinutes"/>. The console's own location is served by its nodes, never by agents.
    /// </summary>
    LocationNoAgent,
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// An alert rule: a condition over instances, tests, regions or credentials, with a severity and
/// the channels to notify (none listed: every enabled channel). Only the fields of its condition
/// are used.
/// </summary>
public sealed class AlertRule
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public AlertCondition Condition { get; set; }
    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;
    public bool Enabled { get; set; } = true;
    public List<int> ChannelIds { get; set; } = [];

    /// <summary>Whether stored test results can change what this rule finds (so new results are a reason to evaluate it at once).</summary>
    public bool JudgesTestResults => Condition is AlertCondition.TestFailures or AlertCondition.TestSlow or AlertCondition.TestSuccessRate
        or AlertCondition.RouteChanged or AlertCondition.TestDegraded;

    // Which subjects: an instance id or tag (instance conditions), a test id or tag (test conditions); none = all.
    public string? InstanceId { get; set; }
    /// <summary>"key=value": instances (instance conditions) or tests (test conditions) carrying this tag.</summary>
    public string? Tag { get; set; }
    public int? TestId { get; set; }

    public string? State { get; set; }
    public int? ConsecutiveFailures { get; set; }
    public double? ThresholdMs { get; set; }
    public int? ForMinutes { get; set; }
    public double? SuccessRateBelow { get; set; }
    public int? WindowMinutes { get; set; }
    public int? StaleMinutes { get; set; }
    public int? DaysBeforeLimit { get; set; }
    public int? WithinDays { get; set; }
    /// <summary>
    /// testFailures: count only this probe location's runs; null: the test's failWhen rule over all its locations.
    /// locationNoAgent: the location to watch; null: every location tests run from.
    /// </summary>
    public string? Location { get; set; }
    public const int MaxLocationLength = 64;

    /// <summary>awsNotice: spot-interruption, rebalance-recommendation or health (see <see cref="Fleet.Events.AwsNoticeKinds"/>); null: any.</summary>
    public string? NoticeKind { get; set; }

    /// <summary>Minutes between reminders of a firing alert nobody acknowledged; null: no reminders.</summary>
    public int? RepeatEveryMinutes { get; set; }

    /// <summary>Who else to tell while nobody acknowledges, by minutes since the alert fired (strictly increasing).</summary>
    public List<EscalationStep> Escalation { get; set; } = [];

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>One step of a rule's escalation: notify these channels when the alert is still unacknowledged this many minutes after it fired.</summary>
public sealed class EscalationStep
{
    public int AfterMinutes { get; set; }
    public List<int> ChannelIds { get; set; } = [];
}
