namespace BlazorAwsConsole.Alerts;

public enum AlertStatus
{
    Firing,
    Acknowledged,
    Resolved,
}

/// <summary>
/// One alert: a rule's condition held for one subject. At most one is open (firing or
/// acknowledged) per rule and subject; it resolves by itself when the condition clears.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }
    public int RuleId { get; set; }
    public required string RuleName { get; set; }
    public AlertSeverity Severity { get; set; }
    /// <summary>What it is about, as a key: "instance:i-…", "test:7", "region:us-east-1", "credential:prod".</summary>
    public required string SubjectKey { get; set; }
    /// <summary>The subject for people: "i-0abc (web-1)", "test 7 (api health)".</summary>
    public required string Subject { get; set; }
    /// <summary>Where the subject is in the console ("/instances/i-…", "/synthetic/7").</summary>
    public string? Link { get; set; }
    public required string Summary { get; set; }
    public AlertStatus Status { get; set; }
    /// <summary>The rule fired and cleared too often for this subject in the last hour: notified once, resolved only after a quiet spell.</summary>
    public bool Flapping { get; set; }
    public DateTime FiredAt { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    public string? AcknowledgeComment { get; set; }
    public DateTime? ResolvedAt { get; set; }
    /// <summary>When the condition was last seen holding (a flapping alert resolves a quiet spell after it).</summary>
    public DateTime LastSeenAt { get; set; }

    /// <summary>Reminders sent so far (the claim: a node sends reminder n+1 only if it moved this from n to n+1).</summary>
    public int RemindersSent { get; set; }
    public DateTime? LastRemindedAt { get; set; }

    /// <summary>Escalation steps sent so far (the claim, as for reminders).</summary>
    public int EscalationStep { get; set; }

    /// <summary>The escalation steps sent: when and to which channels (acknowledgements, reminders and the resolve go there too).</summary>
    public List<EscalationSent> Escalations { get; set; } = [];

    public bool IsOpen => Status != AlertStatus.Resolved;
}

/// <summary>An escalation step as it was sent for one alert (1 = the rule's first step).</summary>
public sealed class EscalationSent
{
    public int Step { get; set; }
    public DateTime At { get; set; }
    public List<int> ChannelIds { get; set; } = [];
}

/// <summary>A time when chosen rules, or instances with a tag, raise no alert (planned work).</summary>
public sealed class MaintenanceWindow
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    /// <summary>Rules silenced while the window is on (empty: only the tag applies).</summary>
    public List<int> RuleIds { get; set; } = [];
    /// <summary>"key=value": instances with this tag raise no alert while the window is on.</summary>
    public string? InstanceTag { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public bool IsActive(DateTime now) => StartsAt <= now && now < EndsAt;

    /// <summary>Whether this window silences the rule's alerts on a subject (an instance's tags; null for other subjects).</summary>
    public bool Silences(int ruleId, IReadOnlyDictionary<string, string>? instanceTags) =>
        RuleIds.Contains(ruleId) || InstanceTag is { } tag && instanceTags is not null && AlertEvaluator.HasTag(instanceTags, tag);
}
