using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Alerts.Channels.Senders;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>What the public form gets back: errors by field (nothing stored), no such public page, or accepted.</summary>
public sealed record SubscribeResult(bool PageFound, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Accepted => PageFound && Errors.Count == 0;
}

/// <summary>One subscriber as Operators see it on the page's settings.</summary>
public sealed record SubscriberDto(long Id, string Kind, string Address, bool Confirmed, DateTime CreatedAt);

/// <summary>
/// Subscriptions to a published page's incidents. The public form's answer is the same whether or not the address is
/// subscribed already, so nobody learns who is. E-mail is double opt-in: a confirmation mail, then nothing until its
/// link is followed; an unconfirmed subscription lapses after <see cref="StatusPageOptions.ConfirmHours"/>. Messages are
/// delivery rows of the alert channels (<see cref="NotificationDelivery"/>), sent by their worker and senders.
/// Addresses are personal data: logs and the access log name subscriptions by id only.
/// </summary>
public sealed class SubscriptionService(
    IDbContextFactory<ConsoleDbContext> contexts,
    SubscriptionTokens tokens,
    EndpointGuard guard,
    DeliveryQueue deliveries,
    IOptionsMonitor<StatusPageOptions> options,
    IOptionsMonitor<DeliveryOptions> delivery,
    AuditLog audit,
    TimeProvider time,
    ILogger<SubscriptionService> logger)
{
    /// <summary>Whether the form offers e-mail: a mail channel is named and the console knows its public URL (for the links).</summary>
    public bool EmailEnabled =>
        !string.IsNullOrWhiteSpace(options.CurrentValue.SubscriptionEmailChannel) && !string.IsNullOrWhiteSpace(delivery.CurrentValue.ConsoleUrl);

    public async Task<SubscribeResult> SubscribeEmailAsync(string slug, string? email, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await PublishedPageAsync(db, slug, cancellationToken) is not { } page) return new(false, NoErrors);
        var address = email?.Trim() ?? "";
        if (!EmailEnabled) return Refused("email", "This page does not take e-mail subscriptions.");
        if (!IsAddress(address)) return Refused("email", "Enter an e-mail address such as name@example.com.");
        address = address.ToLowerInvariant();
        var channel = await MailChannelAsync(db, cancellationToken);
        if (channel is null)
        {
            logger.LogError("Status page subscriptions: no enabled e-mail channel named {Channel} (StatusPages:SubscriptionEmailChannel)", options.CurrentValue.SubscriptionEmailChannel);
            return Refused("email", "E-mail subscriptions are not available right now.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        await PurgeExpiredAsync(db, now, cancellationToken);
        var subscription = await db.StatusSubscriptions.FirstOrDefaultAsync(
            s => s.PageId == page.Id && s.Kind == SubscriptionKind.Email && s.Address == address, cancellationToken);
        // Confirmed already, or a confirmation went out a moment ago: nothing is sent, and the answer is the same.
        if (subscription is { ConfirmedAt: not null }) return new(true, NoErrors);
        if (subscription?.ConfirmSentAt is { } sent && now - sent < TimeSpan.FromMinutes(options.CurrentValue.ConfirmResendMinutes)) return new(true, NoErrors);
        subscription ??= db.StatusSubscriptions.Add(NewSubscription(page.Id, SubscriptionKind.Email, address, now)).Entity;
        var confirmToken = SubscriptionTokens.NewToken();
        subscription.ConfirmTokenHash = SubscriptionTokens.Hash(confirmToken);
        subscription.ConfirmExpiresAt = now.AddHours(options.CurrentValue.ConfirmHours);
        subscription.ConfirmSentAt = now;
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // The same address sent twice at once: the unique index kept one; it got its mail.
            return new(true, NoErrors);
        }
        var message = new SubscriberMessage(SubscriberMessage.Confirm, page.Slug, page.Title, time.GetUtcNow(), ConfirmToken: tokens.Protect(confirmToken));
        await WriteDeliveriesAsync(db, [(subscription.Id, channel.Id)], message, now);
        logger.LogInformation("Status page {PageId}: confirmation requested for e-mail subscription {SubscriptionId}", page.Id, subscription.Id);
        return new(true, NoErrors);
    }

    public async Task<SubscribeResult> SubscribeWebhookAsync(string slug, string? url, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await PublishedPageAsync(db, slug, cancellationToken) is not { } page) return new(false, NoErrors);
        var address = url?.Trim() ?? "";
        if (address.Length is 0 or > 2048 || !Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return Refused("url", "Enter the webhook's absolute http(s) URL.");
        if (await guard.CheckAsync(address, cancellationToken) is { } reason) return Refused("url", reason);
        var now = time.GetUtcNow().UtcDateTime;
        // A URL is its owner's: there is no mailbox to confirm, so it is active at once (and only reachable ones get posts).
        if (await db.StatusSubscriptions.AnyAsync(s => s.PageId == page.Id && s.Kind == SubscriptionKind.Webhook && s.Address == address, cancellationToken))
            return new(true, NoErrors);
        var subscription = NewSubscription(page.Id, SubscriptionKind.Webhook, address, now);
        subscription.ConfirmedAt = now;
        db.StatusSubscriptions.Add(subscription);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            return new(true, NoErrors);
        }
        logger.LogInformation("Status page {PageId}: webhook subscription {SubscriptionId} added", page.Id, subscription.Id);
        return new(true, NoErrors);
    }

    /// <summary>Confirms the subscription the token was mailed for; returns its page's title, or null (unknown, used or lapsed token).</summary>
    public async Task<string?> ConfirmAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SubscriptionTokens.LooksLikeToken(token)) return null;
        var hash = SubscriptionTokens.Hash(token!);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.StatusSubscriptions.FirstOrDefaultAsync(s => s.ConfirmTokenHash == hash && s.ConfirmExpiresAt > now, cancellationToken);
        if (subscription is null) return null;
        subscription.ConfirmedAt = now;
        subscription.ConfirmTokenHash = null;
        subscription.ConfirmExpiresAt = null;
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Status page {PageId}: e-mail subscription {SubscriptionId} confirmed", subscription.PageId, subscription.Id);
        return await db.StatusPages.Where(p => p.Id == subscription.PageId).Select(p => p.Title).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Removes the subscription the token belongs to (with its deliveries); returns its page's title, or null (unknown token).</summary>
    public async Task<string?> UnsubscribeAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SubscriptionTokens.LooksLikeToken(token)) return null;
        var hash = SubscriptionTokens.Hash(token!);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await db.StatusSubscriptions.FirstOrDefaultAsync(s => s.UnsubscribeTokenHash == hash, cancellationToken);
        if (subscription is null) return null;
        db.StatusSubscriptions.Remove(subscription);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Status page {PageId}: subscription {SubscriptionId} removed by its unsubscribe link", subscription.PageId, subscription.Id);
        return await db.StatusPages.Where(p => p.Id == subscription.PageId).Select(p => p.Title).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The page's subscribers for Operators (null: no such page); unconfirmed ones that lapsed are gone first.</summary>
    public async Task<List<SubscriberDto>?> SubscribersAsync(int pageId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.StatusPages.AnyAsync(p => p.Id == pageId, cancellationToken)) return null;
        await PurgeExpiredAsync(db, time.GetUtcNow().UtcDateTime, cancellationToken);
        var found = await db.StatusSubscriptions.AsNoTracking().Where(s => s.PageId == pageId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return found.Select(s => new SubscriberDto(s.Id, s.Kind.ToString().ToLowerInvariant(), s.Address, s.ConfirmedAt is not null,
            DateTime.SpecifyKind(s.CreatedAt, DateTimeKind.Utc))).ToList();
    }

    public async Task<bool> RemoveAsync(int pageId, long subscriptionId, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var removed = await db.StatusSubscriptions.Where(s => s.Id == subscriptionId && s.PageId == pageId).ExecuteDeleteAsync(cancellationToken) > 0;
        await audit.WriteAsync(caller.Name, caller.Address, "status-subscription.remove", $"subscription {subscriptionId} on page {pageId}",
            removed ? "ok" : "refused: no such subscription", CancellationToken.None);
        return removed;
    }

    /// <summary>
    /// One message per confirmed subscriber of the page for an incident's opening, update or resolution. Written as
    /// delivery rows before anything is sent; the delivery worker sends and retries them.
    /// </summary>
    public async Task NotifyAsync(int pageId, Incident incident, IncidentUpdate update, string @event, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var page = await db.StatusPages.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pageId, cancellationToken);
        if (page is not { Published: true }) return; // private pages take no subscriptions
        var subscribers = await db.StatusSubscriptions.AsNoTracking().Where(s => s.PageId == pageId && s.ConfirmedAt != null)
            .Select(s => new { s.Id, s.Kind }).ToListAsync(cancellationToken);
        if (subscribers.Count == 0) return;
        var channel = subscribers.Any(s => s.Kind == SubscriptionKind.Email) ? await MailChannelAsync(db, cancellationToken) : null;
        if (channel is null && subscribers.Any(s => s.Kind == SubscriptionKind.Email))
            logger.LogError("Status page {PageId}: e-mail subscribers get no message: no enabled e-mail channel named {Channel}", pageId, options.CurrentValue.SubscriptionEmailChannel);
        var targets = subscribers.Where(s => s.Kind == SubscriptionKind.Webhook || channel is not null)
            .Select(s => (s.Id, s.Kind == SubscriptionKind.Email ? channel!.Id : (int?)null)).ToList();
        var message = new SubscriberMessage(SubscriberMessage.Incident, page.Slug, page.Title, new DateTimeOffset(DateTime.SpecifyKind(update.At, DateTimeKind.Utc)),
            IncidentId: incident.Id, IncidentTitle: incident.Title, Event: @event, Status: StatusNames.Of(update.Status),
            Impact: StatusNames.Of(incident.Impact), Message: update.Message);
        await WriteDeliveriesAsync(db, targets, message, time.GetUtcNow().UtcDateTime);
        logger.LogInformation("Status page {PageId}: incident {IncidentId} {Event} queued for {Count} subscribers", pageId, incident.Id, @event, targets.Count);
    }

    private async Task WriteDeliveriesAsync(ConsoleDbContext db, IReadOnlyList<(long SubscriptionId, int? ChannelId)> targets, SubscriberMessage message, DateTime now)
    {
        var payload = message.Serialize();
        foreach (var (subscriptionId, channelId) in targets)
        {
            db.NotificationDeliveries.Add(new NotificationDelivery
            {
                ChannelId = channelId, SubscriptionId = subscriptionId, Payload = payload, Status = DeliveryStatus.Pending, CreatedAt = now, NextAttemptAt = now,
            });
        }
        await db.SaveChangesAsync(CancellationToken.None);
        deliveries.Wake();
    }

    private StatusSubscription NewSubscription(int pageId, SubscriptionKind kind, string address, DateTime now)
    {
        var unsubscribe = SubscriptionTokens.NewToken();
        return new StatusSubscription
        {
            PageId = pageId, Kind = kind, Address = address, CreatedAt = now,
            UnsubscribeTokenHash = SubscriptionTokens.Hash(unsubscribe), UnsubscribeTokenProtected = tokens.Protect(unsubscribe),
        };
    }

    internal async Task<NotificationChannel?> MailChannelAsync(ConsoleDbContext db, CancellationToken cancellationToken)
    {
        var name = options.CurrentValue.SubscriptionEmailChannel;
        if (string.IsNullOrWhiteSpace(name)) return null;
        return await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name && c.Kind == ChannelKind.Email && c.Enabled, cancellationToken);
    }

    private static Task<StatusPage?> PublishedPageAsync(ConsoleDbContext db, string slug, CancellationToken cancellationToken) =>
        db.StatusPages.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug && p.Published, cancellationToken);

    private static Task PurgeExpiredAsync(ConsoleDbContext db, DateTime now, CancellationToken cancellationToken) =>
        db.StatusSubscriptions.Where(s => s.ConfirmedAt == null && s.ConfirmExpiresAt < now).ExecuteDeleteAsync(cancellationToken);

    internal static bool IsAddress(string text) =>
        text.Length is > 2 and <= 254 && MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address == text
        && text.IndexOf('@') is > 0 and var at && at < text.Length - 1 && !text.Any(char.IsWhiteSpace);

    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    private static SubscribeResult Refused(string field, string message) => new(true, new Dictionary<string, string[]> { [field] = [message] });
}
