namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// The words every chat kind uses, so they all say the same: a firing alert in full (headline and fields),
/// an acknowledgement or a resolve as one short line ("Resolved after 12 min: web down on i-0abc (web-1)").
/// </summary>
public static class AlertText
{
    public const string OpenInConsole = "Open in the console";

    /// <summary>Acknowledged and resolved are one short line in chats; firing (and its reminders) is a full message.</summary>
    public static bool IsShort(AlertNotification n) => n.Status is "acknowledged" or "resolved";

    /// <summary>"Resolved after 12 min: rule on subject" or "Acknowledged: rule on subject — summary (acknowledged by …)".</summary>
    public static string ShortLine(AlertNotification n) => n.Status == "resolved"
        ? $"Resolved{(n.FiredAt is { } fired ? $" after {Duration(n.At - fired)}" : "")}: {n.RuleName} on {n.Subject}"
        : $"Acknowledged: {n.RuleName} on {n.Subject} — {n.Summary}";

    /// <summary>The headline of a full message, or the short line.</summary>
    public static string Title(AlertNotification n) => IsShort(n) ? ShortLine(n) : NotificationPayload.Headline(n);

    /// <summary>The fields of a full message, in the order chats show them.</summary>
    public static IReadOnlyList<(string Name, string Value)> Fields(AlertNotification n) =>
    [
        ("Rule", n.RuleName), ("Subject", n.Subject), ("Severity", n.Severity), ("Status", n.Status + NotificationPayload.ReminderNote(n)), ("At", n.At.ToString("u")),
    ];

    /// <summary>"45 s", "12 min", "3 h 5 min", "2 d 4 h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalMinutes < 1) return $"{(int)span.TotalSeconds} s";
        if (span.TotalHours < 1) return $"{(int)span.TotalMinutes} min";
        if (span.TotalDays < 1) return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        return $"{(int)span.TotalDays} d {span.Hours} h";
    }

    /// <summary>Cuts to at most <paramref name="max"/> characters, with an ellipsis when cut (services refuse longer fields).</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>For HTML (Telegram) and Slack-style markup: &amp;, &lt;, &gt; (and quotes) lose their meaning.</summary>
    public static string EscapeHtml(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>Slack's and Mattermost's markup gives &amp;, &lt; and &gt; meaning; everything else is shown as written.</summary>
    public static string EscapeMarkup(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>Red critical, amber warning, blue info, green resolved (and grey acknowledged).</summary>
    public static string Colour(AlertNotification n) => n.Status switch
    {
        "resolved" => "#2e7d32",
        "acknowledged" => "#757575",
        _ => n.Severity switch { "critical" => "#d32f2f", "warning" => "#f9a825", _ => "#1976d2" },
    };
}
