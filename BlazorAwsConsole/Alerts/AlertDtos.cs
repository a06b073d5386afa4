using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlazorAwsConsole.Alerts;

/// <summary>An alert rule as the API reads and writes it; only the fields of its condition are set.</summary>
public sealed record AlertRuleDto
{
    public int Id { get; init; }
    public string? Name { get; init; }
    /// <summary>instanceState, instanceDisappeared, testFailures, testSlow, testSuccessRate, routeChanged, regionStale, credentialAge, testDegraded, statusCheckImpaired, scheduledEvent, awsNotice, locationNoAgent.</summary>
    public string? Condition { get; init; }
    /// <summary>info, warning or critical.</summary>
    public string? Severity { get; init; }
    public bool? Enabled { get; init; }
    /// <summary>Channels to notify; empty or absent: every enabled channel.</summary>
    public List<int>? ChannelIds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? InstanceId { get; init; }
    /// <summary>"key=value" (or "key=" for any value): instances or tests with this tag.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Tag { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? TestId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? State { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ConsecutiveFailures { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ThresholdMs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ForMinutes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SuccessRateBelow { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? WindowMinutes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? StaleMinutes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? DaysBeforeLimit { get; init; }
    /// <summary>scheduledEvent: how many days ahead an event's start counts.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? WithinDays { get; init; }
    /// <summary>testFailures: one probe location's runs only (absent: the test's failWhen over its locations); locationNoAgent: the location to watch (absent: all).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Location { get; init; }
    /// <summary>awsNotice: spot-interruption, rebalance-recommendation or health; absent or "": any notice.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? NoticeKind { get; init; }
    /// <summary>Minutes between reminders while the alert fires unacknowledged (1–1440); 0 on input: none; absent: kept.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? RepeatEveryMinutes { get; init; }
    /// <summary>Escalation steps, strictly increasing afterMinutes (at most 10); [] on input: none; absent: kept.</summary>
    public List<EscalationStepDto?>? Escalation { get; init; }

    public static string ConditionName(AlertCondition condition) => JsonNamingPolicy.CamelCase.ConvertName(condition.ToString());

    public static AlertRuleDto From(AlertRule r) => new()
    {
        Id = r.Id, Name = r.Name, Condition = ConditionName(r.Condition), Severity = r.Severity.ToString().ToLowerInvariant(), Enabled = r.Enabled,
        ChannelIds = r.ChannelIds, InstanceId = r.InstanceId, Tag = r.Tag, TestId = r.TestId, State = r.State,
        ConsecutiveFailures = r.ConsecutiveFailures, ThresholdMs = r.ThresholdMs, ForMinutes = r.ForMinutes, SuccessRateBelow = r.SuccessRateBelow,
        WindowMinutes = r.WindowMinutes, StaleMinutes = r.StaleMinutes, DaysBeforeLimit = r.DaysBeforeLimit, WithinDays = r.WithinDays,
        NoticeKind = r.NoticeKind, Location = r.Location, RepeatEveryMinutes = r.RepeatEveryMinutes,
        Escalation = [.. r.Escalation.Select(step => new EscalationStepDto { AfterMinutes = step.AfterMinutes, ChannelIds = step.ChannelIds })],
    };
}

/// <summary>One escalation step: notify these channels if the alert is still unacknowledged afterMinutes after it fired.</summary>
public sealed record EscalationStepDto
{
    public int? AfterMinutes { get; init; }
    public List<int>? ChannelIds { get; init; }
}

public sealed record AlertDto(long Id, int RuleId, string RuleName, string Severity, string Status, string SubjectKey, string Subject, string? Link,
    string Summary, bool Flapping, DateTime FiredAt, DateTime? AcknowledgedAt, string? AcknowledgedBy, string? AcknowledgeComment, DateTime? ResolvedAt)
{
    public static AlertDto From(Alert a) => new(a.Id, a.RuleId, a.RuleName, a.Severity.ToString().ToLowerInvariant(), a.Status.ToString().ToLowerInvariant(),
        a.SubjectKey, a.Subject, a.Link, a.Summary, a.Flapping, Utc(a.FiredAt), a.AcknowledgedAt is { } ack ? Utc(ack) : null, a.AcknowledgedBy, a.AcknowledgeComment,
        a.ResolvedAt is { } resolved ? Utc(resolved) : null);

    private static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);
}

public sealed record AcknowledgeRequest(string? Comment);

public sealed record MaintenanceWindowDto(int Id, string? Name, DateTime? StartsAt, DateTime? EndsAt, List<int>? RuleIds, string? InstanceTag, string? CreatedBy)
{
    public static MaintenanceWindowDto From(MaintenanceWindow w) => new(w.Id, w.Name, DateTime.SpecifyKind(w.StartsAt, DateTimeKind.Utc),
        DateTime.SpecifyKind(w.EndsAt, DateTimeKind.Utc), w.RuleIds, w.InstanceTag, w.CreatedBy);
}
