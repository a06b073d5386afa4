namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>One alert event as the channels send it (firing, acknowledged or resolved).</summary>
/// <param name="Severity">"critical", "warning" or "info".</param>
/// <param name="Status">"firing", "acknowledged" or "resolved".</param>
/// <param name="Subject">What the alert is about, e.g. "i-0abc (web-1)" or "test 7 (api health)".</param>
/// <param name="Summary">One line.</param>
/// <param name="Link">An absolute or console-relative URL; relative ones are made absolute with Alerts:Delivery:ConsoleUrl when set.</param>
/// <param name="FiredAt">When the alert opened (a "resolved" message says how long it lasted); null for a channel's test message.</param>
/// <param name="Reminder">0 for the event itself; 1, 2 … for the repeats of a firing alert nobody acknowledged.</param>
public sealed record AlertNotification(long AlertId, string RuleName, string Severity, string Status, string Subject,
    string Summary, DateTimeOffset At, string? Link, DateTimeOffset? FiredAt = null, int Reminder = 0);

/// <summary>Hands alert events to the channels. The alert engine calls this; delivery happens in the background.</summary>
public interface IAlertNotifier
{
    /// <summary>Queues the notification and returns at once; never throws.</summary>
    /// <param name="channelIds">The channels to send to; null: every enabled channel.</param>
    void Enqueue(AlertNotification notification, IReadOnlyList<int>? channelIds = null);
}
