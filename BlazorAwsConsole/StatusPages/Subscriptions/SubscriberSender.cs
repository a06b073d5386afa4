using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Alerts.Channels.Senders;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>
/// Sends a subscriber's delivery row for the delivery worker: reads the subscription (its address, its unsubscribe
/// token), writes the message with its links and hands it to the channels' sender (SMTP through the mail channel, or
/// the guarded webhook client, which refuses a link-local address on every connection).
/// </summary>
public sealed class SubscriberSender(
    IDbContextFactory<ConsoleDbContext> contexts,
    SubscriptionTokens tokens,
    ChannelSender sender,
    IOptionsMonitor<DeliveryOptions> delivery,
    IOptionsMonitor<StatusPageOptions> options) : ISubscriberSender
{
    public async Task SendAsync(NotificationDelivery row, NotificationChannel? mailChannel, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.StatusSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == row.SubscriptionId, cancellationToken)
            ?? throw new ChannelSendException("the subscription was removed") { Permanent = true };
        if (!Uri.TryCreate(delivery.CurrentValue.ConsoleUrl, UriKind.Absolute, out var root))
            throw new ChannelSendException("Console:PublicUrl is not set: the message's links cannot be written") { Permanent = true };
        SubscriberMessage message;
        try
        {
            message = SubscriberMessage.Deserialize(row.Payload);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ChannelSendException($"the stored message cannot be read: {ex.Message}", ex) { Permanent = true };
        }
        SubscriberLinks links;
        try
        {
            links = Links(root, message, subscription);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            // The data-protection key that sealed the token is gone (a restored backup without its key ring).
            throw new ChannelSendException($"the subscription's token cannot be read: {ex.Message}", ex) { Permanent = true };
        }
        switch (subscription.Kind)
        {
            case SubscriptionKind.Email:
                if (mailChannel is null) throw new ChannelSendException("no e-mail channel for subscriber mail") { Permanent = true };
                await sender.SendMailAsync(mailChannel, SubscriberMessages.Mail(message, links, mailChannel.From!, subscription.Address, options.CurrentValue.ConfirmHours), cancellationToken);
                break;
            default:
                // A webhook is never asked to confirm anything.
                if (message.Kind != SubscriberMessage.Incident) return;
                await sender.PostJsonAsync(subscription.Address, SubscriberMessages.WebhookBody(message, links), row.Id, cancellationToken);
                break;
        }
    }

    private SubscriberLinks Links(Uri root, SubscriberMessage message, StatusSubscription subscription)
    {
        var page = new Uri(root, $"/status/{Uri.EscapeDataString(message.PageSlug)}").ToString();
        var unsubscribe = $"{page}/subscriptions/unsubscribe?token={tokens.Unprotect(subscription.UnsubscribeTokenProtected)}";
        var confirm = message.ConfirmToken is { } protectedToken ? $"{page}/subscriptions/confirm?token={tokens.Unprotect(protectedToken)}" : null;
        return new SubscriberLinks(page, unsubscribe, confirm);
    }
}
