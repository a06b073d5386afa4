using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>How a notification is written in JSON bodies and in the delivery rows: camelCase, the same everywhere.</summary>
public static class NotificationPayload
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize(AlertNotification notification) => JsonSerializer.Serialize(notification, Json);

    public static AlertNotification Deserialize(string json) =>
        JsonSerializer.Deserialize<AlertNotification>(json, Json) ?? throw new JsonException("empty notification");

    /// <summary>The link as a receiver can open it: relative links are resolved against the console's public URL when it is known.</summary>
    public static string? AbsoluteLink(AlertNotification notification, string? consoleUrl)
    {
        if (string.IsNullOrWhiteSpace(notification.Link)) return null;
        if (Uri.TryCreate(notification.Link, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https") return absolute.ToString();
        return Uri.TryCreate(consoleUrl, UriKind.Absolute, out var root) ? new Uri(root, notification.Link).ToString() : notification.Link;
    }

    /// <summary>"[CRITICAL] firing: summary" ("firing (reminder 2)" for a repeat), the e-mail subject and the first line of a chat message.</summary>
    public static string Headline(AlertNotification notification) =>
        $"[{notification.Severity.ToUpperInvariant()}] {notification.Status}{ReminderNote(notification)}: {notification.Summary}";

    /// <summary>" (reminder 2)" for the repeats of a firing alert; "" for the event itself.</summary>
    public static string ReminderNote(AlertNotification notification) => notification.Reminder > 0 ? $" (reminder {notification.Reminder})" : "";
}
