using System.Text.RegularExpressions;
using BlazorAwsConsole.Fleet.Events;
using BlazorAwsConsole.Probes;

namespace BlazorAwsConsole.Alerts;

/// <summary>Checks a rule when it is saved and copies the accepted values onto it; each wrong field gets its own message under its JSON name.</summary>
public sealed partial class AlertRuleValidator(ProbeCatalog tests)
{
    public static readonly string[] InstanceStates = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];

    public const int MaxEscalationSteps = 10;
    public const int MaxRepeatMinutes = 1440;
    public const int MaxEscalationMinutes = 10080;

    /// <param name="channelIds">The notification channels that exist (escalation steps must name some of them).</param>
    public Dictionary<string, string[]> Apply(AlertRuleDto input, AlertRule rule, bool isNew, IReadOnlyCollection<int> channelIds)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [message];

        var name = input.Name?.Trim() ?? (isNew ? null : rule.Name);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) Error("name", "Name is required (at most 100 characters).");

        var condition = rule.Condition;
        if (input.Condition is not null || isNew)
        {
            var match = Enum.GetValues<AlertCondition>().Where(c => string.Equals(AlertRuleDto.ConditionName(c), input.Condition, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 1) condition = match[0];
            else Error("condition", $"Condition must be one of {string.Join(", ", Enum.GetValues<AlertCondition>().Select(AlertRuleDto.ConditionName))}.");
        }
        var severity = rule.Severity;
        if (input.Severity is not null && !Enum.TryParse(input.Severity, true, out severity) || input.Severity is not null && int.TryParse(input.Severity, out _))
            Error("severity", "Severity must be info, warning or critical.");

        var candidate = new AlertRule
        {
            Name = name ?? "",
            Condition = condition,
            Severity = severity,
            InstanceId = Text(input.InstanceId, rule.InstanceId),
            Tag = Text(input.Tag, rule.Tag),
            TestId = input.TestId ?? rule.TestId,
            State = Text(input.State, rule.State)?.ToLowerInvariant(),
            ConsecutiveFailures = input.ConsecutiveFailures ?? rule.ConsecutiveFailures,
            ThresholdMs = input.ThresholdMs ?? rule.ThresholdMs,
            ForMinutes = input.ForMinutes ?? rule.ForMinutes,
            SuccessRateBelow = input.SuccessRateBelow ?? rule.SuccessRateBelow,
            WindowMinutes = input.WindowMinutes ?? rule.WindowMinutes,
            StaleMinutes = input.StaleMinutes ?? rule.StaleMinutes,
            DaysBeforeLimit = input.DaysBeforeLimit ?? rule.DaysBeforeLimit,
            WithinDays = input.WithinDays ?? rule.WithinDays,
            NoticeKind = Text(input.NoticeKind, rule.NoticeKind)?.ToLowerInvariant(),
            Location = Text(input.Location, rule.Location),
        };
        if (candidate.InstanceId is { } id && !InstanceId().IsMatch(id)) Error("instanceId", $"'{id}' is not an EC2 instance id.");
        if (candidate.Tag is { } tag && (tag.IndexOf('=') <= 0 || tag.Length > 300)) Error("tag", "Tag must be key=value (or key= for any value).");
        if (candidate.TestId is { } testId && tests.Find(testId) is null) Error("testId", $"There is no synthetic test {testId}.");

        if (candidate.Location is { } location && !errors.ContainsKey("condition"))
        {
            if (condition is not (AlertCondition.TestFailures or AlertCondition.LocationNoAgent))
                Error("location", "A location applies to testFailures and locationNoAgent rules only.");
            else if (location.Length > AlertRule.MaxLocationLength) Error("location", $"Location must be at most {AlertRule.MaxLocationLength} characters.");
        }

        if (!errors.ContainsKey("condition"))
        {
            switch (condition)
            {
                case AlertCondition.InstanceState:
                    if (candidate.State is null || !InstanceStates.Contains(candidate.State)) Error("state", $"State must be one of {string.Join(", ", InstanceStates)}.");
                    break;
                case AlertCondition.TestFailures:
                    candidate.ConsecutiveFailures ??= 3;
                    if (candidate.ConsecutiveFailures is < 1 or > 1000) Error("consecutiveFailures", "Consecutive failures must be between 1 and 1000.");
                    break;
                case AlertCondition.TestSlow:
                    if (candidate.ThresholdMs is not (> 0 and <= 600_000)) Error("thresholdMs", "Threshold must be between 0 and 600000 ms.");
                    candidate.ForMinutes ??= 5;
                    if (candidate.ForMinutes is < 0 or > 1440) Error("forMinutes", "Minutes must be between 0 and 1440.");
                    break;
                case AlertCondition.TestDegraded:
                    candidate.ForMinutes ??= 5;
                    if (candidate.ForMinutes is < 0 or > 1440) Error("forMinutes", "Minutes must be between 0 and 1440.");
                    break;
                case AlertCondition.TestSuccessRate:
                    if (candidate.SuccessRateBelow is not (> 0 and <= 100)) Error("successRateBelow", "Success rate must be above 0 and at most 100 (%).");
                    candidate.WindowMinutes ??= 60;
                    if (candidate.WindowMinutes is < 1 or > 10080) Error("windowMinutes", "Window must be between 1 and 10080 minutes.");
                    break;
                case AlertCondition.RegionStale:
                    candidate.StaleMinutes ??= 10;
                    if (candidate.StaleMinutes is < 1 or > 10080) Error("staleMinutes", "Minutes must be between 1 and 10080.");
                    break;
                case AlertCondition.StatusCheckImpaired:
                    candidate.ForMinutes ??= 5;
                    if (candidate.ForMinutes is < 0 or > 1440) Error("forMinutes", "Minutes must be between 0 and 1440.");
                    break;
                case AlertCondition.ScheduledEvent:
                    candidate.WithinDays ??= 7;
                    if (candidate.WithinDays is < 0 or > 365) Error("withinDays", "Days must be between 0 and 365.");
                    break;
                case AlertCondition.AwsNotice:
                    if (candidate.NoticeKind is { } kind && !AwsNoticeKinds.All.Contains(kind))
                        Error("noticeKind", $"Notice kind must be one of {string.Join(", ", AwsNoticeKinds.All)} (or empty for any).");
                    candidate.WindowMinutes ??= 60;
                    if (candidate.WindowMinutes is < 1 or > 10080) Error("windowMinutes", "Window must be between 1 and 10080 minutes.");
                    break;
                case AlertCondition.LocationNoAgent:
                    candidate.ForMinutes ??= 5;
                    if (candidate.ForMinutes is < 0 or > 1440) Error("forMinutes", "For must be between 0 (at once) and 1440 minutes.");
                    break;
                case AlertCondition.CredentialAge:
                    candidate.DaysBeforeLimit ??= 14;
                    if (candidate.DaysBeforeLimit is < 0 or > 365) Error("daysBeforeLimit", "Days before the limit must be between 0 and 365.");
                    break;
            }
        }
        var repeat = input.RepeatEveryMinutes is null ? rule.RepeatEveryMinutes : input.RepeatEveryMinutes == 0 ? null : input.RepeatEveryMinutes;
        if (repeat is < 1 or > MaxRepeatMinutes) Error("repeatEveryMinutes", $"Repeat every must be between 1 and {MaxRepeatMinutes} minutes (0 or empty: no reminders).");
        var escalation = input.Escalation is null ? rule.Escalation : Escalation(input.Escalation, channelIds, Error);
        if (errors.Count > 0) return errors;

        rule.RepeatEveryMinutes = repeat;
        rule.Escalation = escalation;
        rule.Name = candidate.Name;
        rule.Condition = condition;
        rule.Severity = severity;
        rule.Enabled = input.Enabled ?? rule.Enabled;
        rule.ChannelIds = input.ChannelIds ?? rule.ChannelIds;
        rule.InstanceId = candidate.InstanceId;
        rule.Tag = candidate.Tag;
        rule.TestId = candidate.TestId;
        rule.State = candidate.State;
        rule.ConsecutiveFailures = candidate.ConsecutiveFailures;
        rule.ThresholdMs = candidate.ThresholdMs;
        rule.ForMinutes = candidate.ForMinutes;
        rule.SuccessRateBelow = candidate.SuccessRateBelow;
        rule.WindowMinutes = candidate.WindowMinutes;
        rule.StaleMinutes = candidate.StaleMinutes;
        rule.DaysBeforeLimit = candidate.DaysBeforeLimit;
        rule.WithinDays = candidate.WithinDays;
        rule.NoticeKind = candidate.NoticeKind;
        rule.Location = candidate.Location;
        return errors;
    }

    /// <summary>The steps as given, each wrong one named by its place: <c>escalation[1].channelIds</c> is the second step's channels.</summary>
    private static List<EscalationStep> Escalation(List<EscalationStepDto?> input, IReadOnlyCollection<int> channelIds, Action<string, string> error)
    {
        var steps = new List<EscalationStep>();
        if (input.Count > MaxEscalationSteps)
        {
            error("escalation", $"At most {MaxEscalationSteps} escalation steps.");
            return steps;
        }
        for (var i = 0; i < input.Count; i++)
        {
            var field = $"escalation[{i}]";
            if (input[i] is not { } step)
            {
                error(field, "A step needs afterMinutes and channelIds.");
                continue;
            }
            if (step.AfterMinutes is not { } after || after < 1 || after > MaxEscalationMinutes)
                error($"{field}.afterMinutes", $"After must be between 1 and {MaxEscalationMinutes} minutes.");
            else if (i > 0 && input[i - 1]?.AfterMinutes is { } before && after <= before)
                error($"{field}.afterMinutes", $"Each step must come later than the one before ({before} min).");
            var channels = step.ChannelIds ?? [];
            if (channels.Count == 0 || channels.Count > 20) error($"{field}.channelIds", "Name between 1 and 20 channels to notify.");
            else if (channels.Except(channelIds).ToList() is { Count: > 0 } unknown)
                error($"{field}.channelIds", $"No notification channel {string.Join(", ", unknown)}.");
            steps.Add(new EscalationStep { AfterMinutes = step.AfterMinutes ?? 0, ChannelIds = [.. channels.Distinct()] });
        }
        return steps;
    }

    /// <summary>A missing text keeps the current one; an empty one clears it.</summary>
    private static string? Text(string? input, string? current) => input is null ? current : input.Trim() is { Length: > 0 } text ? text : null;

    [GeneratedRegex("^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceId();
}
