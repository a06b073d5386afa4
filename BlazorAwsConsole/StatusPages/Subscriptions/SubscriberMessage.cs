using System.Text.Json;
using BlazorAwsConsole.Alerts.Channels.Senders;
using MimeKit;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>
/// What a subscriber's delivery row holds (its payload): a confirmation request or an incident's news. The address and
/// the links are added at send time from the subscription, so the row holds no token in clear.
/// </summary>
/// <param name="Kind">"confirm" or "incident".</param>
/// <param name="ConfirmToken">The confirmation token, encrypted (<see cref="SubscriptionTokens.Protect"/>).</param>
/// <param name="Event">"opened", "updated" or "resolved".</param>
public sealed record SubscriberMessage(string Kind, string PageSlug, string PageTitle, DateTimeOffset At, string? ConfirmToken = null,
    int? IncidentId = null, string? IncidentTitle = null, string? Event = null, string? Status = null, string? Impact = null, string? Message = null)
{
    public const string Confirm = "confirm";
    public const string Incident = "incident";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static SubscriberMessage Deserialize(string payload) =>
        JsonSerializer.Deserialize<SubscriberMessage>(payload, Json) ?? throw new JsonException("empty subscriber message");
}

/// <summary>The links a message carries, absolute on the console's public URL (Console:PublicUrl).</summary>
public sealed record SubscriberLinks(string Page, string Unsubscribe, string? Confirm);

/// <summary>Writes a subscriber's message as an e-mail or a webhook's JSON body.</summary>
public static class SubscriberMessages
{
    public static MimeMessage Mail(SubscriberMessage message, SubscriberLinks links, string from, string to, int confirmHours)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(from));
        mail.To.Add(MailboxAddress.Parse(to));
        mail.Date = message.At;
        // RFC 2369 and RFC 8058: mail clients offer their own "unsubscribe" button, which posts to the link.
        mail.Headers.Add("List-Unsubscribe", $"<{links.Unsubscribe}>");
        mail.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        if (message.Kind == SubscriberMessage.Confirm)
        {
            mail.Subject = $"Confirm your subscription to {message.PageTitle} status";
            mail.Body = new TextPart("plain")
            {
                Text = $"""
                    Someone, hopefully you, asked to receive the incident notices of the status page "{message.PageTitle}" at this address.

                    To confirm, open this link and press "Confirm":
                    {links.Confirm}

                    If it was not you, ignore this mail: nothing more will be sent, and the request lapses in {confirmHours} hours.

                    Status page: {links.Page}
                    """,
            };
            return mail;
        }
        mail.Subject = $"[{message.PageTitle}] {message.IncidentTitle}: {message.Status}";
        mail.Body = new TextPart("plain")
        {
            Text = $"""
                {message.IncidentTitle}
                Status: {message.Status} · impact: {message.Impact} · {message.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC

                {message.Message}

                Status page: {links.Page}
                Unsubscribe: {links.Unsubscribe}
                """,
        };
        return mail;
    }

    /// <summary>A webhook's body: "incident.opened", "incident.updated" or "incident.resolved", with the page and the unsubscribe link.</summary>
    public static byte[] WebhookBody(SubscriberMessage message, SubscriberLinks links) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @event = $"incident.{message.Event}",
        page = new { slug = message.PageSlug, title = message.PageTitle, url = links.Page },
        incident = new
        {
            id = message.IncidentId,
            title = message.IncidentTitle,
            status = message.Status,
            impact = message.Impact,
            message = message.Message,
            at = message.At,
            url = $"{links.Page}#incident-{message.IncidentId}",
        },
        unsubscribeUrl = links.Unsubscribe,
    }, NotificationPayload.Json);
}
