using BlazorAwsConsole.Alerts.Channels;

namespace BlazorAwsConsole.Alerts;

/// <summary>What an alert's notifications say and where they go: one place for the engine's events and the reminders and escalations.</summary>
public static class AlertMessages
{
    /// <summary>The alert's own page: every notification links there (the subject's link is on the page).</summary>
    public static string PageOf(long alertId) => $"/alerts/{alertId}";

    public static AlertNotification For(Alert alert, DateTime now, string? note, int reminder = 0) =>
        new(alert.Id, alert.RuleName, alert.Severity.ToString().ToLowerInvariant(), alert.Status.ToString().ToLowerInvariant(), alert.Subject,
            note is null ? alert.Summary : $"{alert.Summary} ({note})", Utc(now), PageOf(alert.Id), Utc(alert.FiredAt), reminder);

    /// <summary>
    /// The rule's channels plus every channel an escalation step of this alert went to, so whoever was paged also hears
    /// of the reminders, the acknowledgement and the resolve. Null: every enabled channel (the rule names none, or is gone).
    /// </summary>
    public static IReadOnlyList<int>? Recipients(AlertRule? rule, Alert alert) =>
        rule?.ChannelIds is { Count: > 0 } ids ? ids.Union(alert.Escalations.SelectMany(e => e.ChannelIds)).ToList() : null;

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
