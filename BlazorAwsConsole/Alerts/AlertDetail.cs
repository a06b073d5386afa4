using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Alerts.Channels.Senders;

namespace BlazorAwsConsole.Alerts;

/// <summary>One alert with what followed it: the rule's reminders and escalation plan, and every notification sent for it.</summary>
/// <param name="Page">The alert's page in the console (every notification links there).</param>
/// <param name="NextReminderAt">When the next reminder goes out while it keeps firing unacknowledged (null: none coming).</param>
public sealed record AlertDetailDto(AlertDto Alert, string Page, bool RuleExists, int? RepeatEveryMinutes, int RemindersSent, DateTime? LastRemindedAt,
    DateTime? NextReminderAt, IReadOnlyList<EscalationStepState> Escalation, IReadOnlyList<AlertDeliveryDto> Deliveries)
{
    public const int MaxDeliveries = 200;

    public static AlertDetailDto From(Alert alert, AlertRule? rule, IReadOnlyList<NotificationDelivery> deliveries, IReadOnlyDictionary<int, string> channelNames)
    {
        string NameOf(int id) => channelNames.GetValueOrDefault(id) ?? $"channel {id} (deleted)";
        var plan = alert.Escalations.OrderBy(e => e.Step)
            .Select(e => new EscalationStepState(e.Step, AfterMinutes(rule, e), e.ChannelIds, [.. e.ChannelIds.Select(NameOf)], "sent", Utc(e.At), Utc(e.At)))
            .ToList();
        var stopped = alert.AcknowledgedAt is not null ? "stopped-by-acknowledge" : alert.Status == AlertStatus.Resolved ? "stopped-by-resolve" : "due";
        foreach (var (step, index) in (rule?.Escalation ?? []).Select((s, i) => (s, i)).Skip(alert.EscalationStep))
        {
            plan.Add(new EscalationStepState(index + 1, step.AfterMinutes, step.ChannelIds, [.. step.ChannelIds.Select(NameOf)], stopped, null,
                Utc(alert.FiredAt.AddMinutes(step.AfterMinutes))));
        }
        var nextReminder = alert.Status == AlertStatus.Firing && rule is { Enabled: true } && AlertFollowUps.NextReminderAt(rule, alert) is { } next ? Utc(next) : (DateTime?)null;
        return new AlertDetailDto(AlertDto.From(alert), AlertMessages.PageOf(alert.Id), rule is not null, rule?.RepeatEveryMinutes, alert.RemindersSent,
            alert.LastRemindedAt is { } reminded ? Utc(reminded) : null, nextReminder, plan,
            [.. deliveries.Select(d => AlertDeliveryDto.From(d, NameOf(d.ChannelId ?? 0), alert.Escalations))]);
    }

    private static int AfterMinutes(AlertRule? rule, EscalationSent sent) =>
        rule?.Escalation.ElementAtOrDefault(sent.Step - 1)?.AfterMinutes ?? 0;

    internal static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);
}

/// <summary>One step of an alert's escalation plan.</summary>
/// <param name="Step">1 for the rule's first step.</param>
/// <param name="State">sent, due (waiting for its time while nobody acknowledges), stopped-by-acknowledge or stopped-by-resolve.</param>
/// <param name="DueAt">When it falls (or fell) due: the alert's firing time plus afterMinutes; for a sent step, when it was sent.</param>
public sealed record EscalationStepState(int Step, int AfterMinutes, IReadOnlyList<int> ChannelIds, IReadOnlyList<string> ChannelNames, string State,
    DateTime? SentAt, DateTime DueAt);

/// <summary>One notification of an alert to one channel.</summary>
/// <param name="Kind">firing, acknowledged, resolved, "reminder N" or "escalation N".</param>
/// <param name="Status">Pending, Sent or Failed.</param>
public sealed record AlertDeliveryDto(long Id, int ChannelId, string ChannelName, string Kind, string Status, int Attempts, DateTime CreatedAt,
    DateTime? SentAt, DateTime? FailedAt, DateTime? NextAttemptAt, string? LastError)
{
    public static AlertDeliveryDto From(NotificationDelivery delivery, string channelName, IReadOnlyList<EscalationSent> escalations) =>
        new(delivery.Id, delivery.ChannelId ?? 0, channelName, KindOf(delivery, escalations), delivery.Status.ToString(), delivery.Attempts,
            AlertDetailDto.Utc(delivery.CreatedAt), delivery.SentAt is { } sent ? AlertDetailDto.Utc(sent) : null,
            delivery.Status == DeliveryStatus.Failed ? AlertDetailDto.Utc(delivery.NextAttemptAt) : null,
            delivery.Status == DeliveryStatus.Pending ? AlertDetailDto.Utc(delivery.NextAttemptAt) : null, delivery.LastError);

    /// <summary>
    /// From the stored notification: a reminder carries its count; an escalation step's message carries the time the step was
    /// recorded on the alert (the same instant, to the millisecond a database keeps), to one of that step's channels.
    /// </summary>
    private static string KindOf(NotificationDelivery delivery, IReadOnlyList<EscalationSent> escalations)
    {
        AlertNotification notification;
        try
        {
            notification = NotificationPayload.Deserialize(delivery.Payload);
        }
        catch (System.Text.Json.JsonException)
        {
            return "unreadable";
        }
        if (notification.Reminder > 0) return $"reminder {notification.Reminder}";
        if (notification.Status == "firing" && escalations.FirstOrDefault(e => delivery.ChannelId is { } channelId && e.ChannelIds.Contains(channelId)
            && (notification.At.UtcDateTime - AlertDetailDto.Utc(e.At)).Duration() < TimeSpan.FromMilliseconds(1)) is { } step)
            return $"escalation {step.Step}";
        return notification.Status;
    }
}
