using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts.Channels.Senders;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Adds, changes, deletes and tests notification channels, and answers what the pages, the API and
/// the dashboard ask about them. Secrets go from the request to Vault (<see cref="ChannelSecrets"/>);
/// the database learns only that they are set.
/// </summary>
public sealed class NotificationChannelService(
    IDbContextFactory<ConsoleDbContext> databases,
    ChannelSecrets secrets,
    ChannelSender sender,
    EndpointGuard guard,
    ChannelHealth health,
    LiveFeed feed,
    AuditLog audit,
    TimeProvider time,
    ILogger<NotificationChannelService> logger)
{
    public const int RecentDeliveries = 5;

    public async Task<IReadOnlyList<ChannelDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // One query: each channel with its last few deliveries.
        var rows = await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name)
            .Select(c => new { Channel = c, Recent = db.NotificationDeliveries.Where(d => d.ChannelId == c.Id).OrderByDescending(d => d.Id).Take(RecentDeliveries).ToList() })
            .ToListAsync(cancellationToken);
        return rows.Select(r => ChannelDto.Of(r.Channel, health.IsFailing(r.Channel), r.Recent.Select(DeliveryDto.From).ToList())).ToList();
    }

    public async Task<ChannelDto?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null) return null;
        var recent = await db.NotificationDeliveries.AsNoTracking().Where(d => d.ChannelId == id).OrderByDescending(d => d.Id).Take(RecentDeliveries).ToListAsync(cancellationToken);
        return ChannelDto.Of(channel, health.IsFailing(channel), recent.Select(DeliveryDto.From).ToList());
    }

    /// <summary>A channel's deliveries, newest first; null when there is no such channel.</summary>
    public async Task<PagedList<DeliveryDto>?> DeliveriesAsync(int id, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await db.NotificationChannels.AnyAsync(c => c.Id == id, cancellationToken)) return null;
        var query = db.NotificationDeliveries.AsNoTracking().Where(d => d.ChannelId == id);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new PagedList<DeliveryDto>(items.Select(DeliveryDto.From).ToList(), total, page, pageSize);
    }

    /// <summary>The channels flagged as failing (their last Alerts:Delivery:FailingAfter deliveries failed), for the dashboard.</summary>
    public async Task<IReadOnlyList<FailingChannel>> FailingChannelsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channels = await db.NotificationChannels.AsNoTracking().Where(c => c.FailureStreak > 0).OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return channels.Where(health.IsFailing)
            .Select(c => new FailingChannel(c.Id, c.Name, c.Kind.ToString(), c.FailureStreak, c.LastError, ChannelDto.UtcOrNull(c.LastFailedAt))).ToList();
    }

    // Every change is written to the access log with who asked (never a secret).
    public Task<SettingsResult<ChannelDto>> AddAsync(ChannelRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "alert-channels.add", request.Name ?? "", AddAsync(request, cancellationToken));

    public Task<SettingsResult<ChannelDto>> UpdateAsync(int id, ChannelRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "alert-channels.update", $"{id} {request.Name}", UpdateAsync(id, request, cancellationToken));

    public Task<SettingsResult<string>> DeleteAsync(int id, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "alert-channels.delete", id.ToString(), DeleteAsync(id, cancellationToken));

    /// <summary>The link-local guard on the endpoints a channel will connect to, once their shape is valid.</summary>
    private async Task CheckEndpointAsync(ChannelRequest request, NotificationChannel channel, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var (field, endpoint) = channel.Kind switch
        {
            ChannelKind.Webhook or ChannelKind.Ntfy => ("url", channel.Url),
            // A webhook URL that is a secret: only a new one in the request is checked (the stored one was, when saved).
            _ when ChannelKinds.UrlIsSecret(channel.Kind) => ("url", string.IsNullOrEmpty(request.Url) ? null : request.Url.Trim()),
            ChannelKind.Email => ("smtpHost", channel.SmtpHost),
            _ => ("endpoint", channel.Endpoint),
        };
        if (string.IsNullOrEmpty(endpoint) || errors.ContainsKey(field)) return;
        if (await guard.CheckAsync(endpoint, cancellationToken) is { } refusal) errors[field] = [$"Refused: {refusal}."];
    }

    public Task<SettingsResult<TestSendResult>> TestAsync(int id, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "alert-channels.test", id.ToString(), TestAsync(id, cancellationToken));

    private async Task<SettingsResult<ChannelDto>> AddAsync(ChannelRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = new NotificationChannel { Name = "", CreatedAt = time.GetUtcNow().UtcDateTime };
        var errors = ChannelValidator.Apply(request, channel, isNew: true, secrets.VaultConfigured);
        await CheckNameAsync(db, channel, errors, cancellationToken);
        await CheckEndpointAsync(request, channel, errors, cancellationToken);
        if (errors.Count > 0) return SettingsResult<ChannelDto>.Invalid(errors);

        var values = Merge(ChannelSecretValues.None, request, channel.Kind);
        SetFlags(channel, values);
        db.NotificationChannels.Add(channel);
        await db.SaveChangesAsync(cancellationToken); // the id names the Vault path
        if (!values.IsEmpty)
        {
            try
            {
                await secrets.WriteAsync(channel.Id, values, cancellationToken);
            }
            catch (VaultException ex)
            {
                db.NotificationChannels.Remove(channel);
                await db.SaveChangesAsync(CancellationToken.None);
                return SettingsResult<ChannelDto>.From(ex);
            }
        }
        logger.LogInformation("Notification channel {ChannelId} ({ChannelName}, {ChannelKind}) added", channel.Id, channel.Name, channel.Kind);
        feed.Publish(new NotificationChannelsChanged(channel.Id));
        return SettingsResult<ChannelDto>.Ok(ChannelDto.Of(channel, false, []), $"Channel {channel.Name} added.");
    }

    private async Task<SettingsResult<ChannelDto>> UpdateAsync(int id, ChannelRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null) return SettingsResult<ChannelDto>.Fail(SettingsOutcome.NotFound, $"No notification channel {id}.");
        var errors = ChannelValidator.Apply(request, channel, isNew: false, secrets.VaultConfigured);
        await CheckNameAsync(db, channel, errors, cancellationToken);
        await CheckEndpointAsync(request, channel, errors, cancellationToken);
        if (errors.Count > 0) return SettingsResult<ChannelDto>.Invalid(errors);

        if (ChangesSecrets(request, channel.Kind))
        {
            try
            {
                var current = await secrets.ReadAsync(channel, cancellationToken);
                var values = Merge(current, request, channel.Kind);
                // Vault is asked only when something there changes (and never for a channel without secrets and no Vault).
                if (values != current && !(values.IsEmpty && !channel.NeedsVault)) await secrets.WriteAsync(channel.Id, values, cancellationToken);
                SetFlags(channel, values);
            }
            catch (VaultException ex)
            {
                return SettingsResult<ChannelDto>.From(ex);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Notification channel {ChannelId} ({ChannelName}) changed", channel.Id, channel.Name);
        feed.Publish(new NotificationChannelsChanged(channel.Id));
        return SettingsResult<ChannelDto>.Ok(ChannelDto.Of(channel, health.IsFailing(channel), []), $"Channel {channel.Name} saved.");
    }

    /// <summary>Deletes the channel with its deliveries, and its secrets from Vault first: if Vault cannot, nothing is deleted.</summary>
    private async Task<SettingsResult<string>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null) return SettingsResult<string>.Fail(SettingsOutcome.NotFound, $"No notification channel {id}.");
        if (channel.NeedsVault)
        {
            try
            {
                await secrets.DeleteAsync(channel.Id, cancellationToken);
            }
            catch (VaultException ex)
            {
                return SettingsResult<string>.From(ex);
            }
        }
        db.NotificationChannels.Remove(channel);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Notification channel {ChannelId} ({ChannelName}) deleted", channel.Id, channel.Name);
        feed.Publish(new NotificationChannelsChanged(channel.Id));
        return SettingsResult<string>.Ok(channel.Name, $"Channel {channel.Name} deleted.");
    }

    /// <summary>Sends a sample notification now, through the same sender as alerts, and records it as a delivery without an alert.</summary>
    private async Task<SettingsResult<TestSendResult>> TestAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null) return SettingsResult<TestSendResult>.Fail(SettingsOutcome.NotFound, $"No notification channel {id}.");
        var now = time.GetUtcNow();
        var sample = new AlertNotification(0, "Send test", "info", "firing", $"channel {channel.Name}",
            $"Test notification from BlazorAwsConsole to {channel.Name}", now, "/settings/channels");
        // Saved as Sent/Failed only after the send, so the delivery worker never picks it up.
        var delivery = new NotificationDelivery
        {
            ChannelId = id, AlertId = null, Payload = NotificationPayload.Serialize(sample), Attempts = 1,
            Status = DeliveryStatus.Sent, CreatedAt = now.UtcDateTime, NextAttemptAt = now.UtcDateTime,
        };
        string? error = null;
        try
        {
            await sender.SendAsync(channel, sample, null, cancellationToken);
            delivery.SentAt = time.GetUtcNow().UtcDateTime;
        }
        catch (ChannelSendException ex)
        {
            error = ex.Message;
            delivery.Status = DeliveryStatus.Failed;
            delivery.LastError = error.Length > 1024 ? error[..1024] : error;
            logger.LogWarning("Test notification to {ChannelKind} channel {ChannelName} failed: {Reason}", channel.Kind, channel.Name, error);
        }
        await health.RecordAsync(id, final: true, error, async writer =>
        {
            writer.NotificationDeliveries.Add(delivery);
            await writer.SaveChangesAsync();
        });
        feed.Publish(new NotificationDeliveryRecorded(id, delivery.Id, delivery.Status));
        var result = new TestSendResult(error is null, error, delivery.Id);
        return SettingsResult<TestSendResult>.Ok(result, error is null ? $"Test notification sent to {channel.Name}." : $"Sending to {channel.Name} failed: {error}");
    }

    private static async Task CheckNameAsync(ConsoleDbContext db, NotificationChannel channel, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (errors.ContainsKey("name")) return;
        if (await db.NotificationChannels.AnyAsync(c => c.Name == channel.Name && c.Id != channel.Id, cancellationToken))
            errors["name"] = [$"A channel named '{channel.Name}' exists."];
    }

    private static bool ChangesSecrets(ChannelRequest request, ChannelKind kind) => kind switch
    {
        ChannelKind.Webhook => request.HmacSecret is not null,
        ChannelKind.Email => request.SmtpPassword is not null || string.IsNullOrEmpty(request.SmtpUser),
        _ when ChannelKinds.UrlIsSecret(kind) => !string.IsNullOrEmpty(request.Url),
        _ => Merge(ChannelSecretValues.None, request, kind) != ChannelSecretValues.None || request.Token is not null,
    };

    /// <summary>What Vault should hold after the request: null keeps a value, "" removes it; secrets of other kinds are dropped.</summary>
    private static ChannelSecretValues Merge(ChannelSecretValues current, ChannelRequest request, ChannelKind kind)
    {
        static string? Keep(string? given, string? held) => given is null ? held : given.Trim() is { Length: > 0 } value ? value : null;
        // A required secret left blank is kept (validation refused a blank one where nothing was held).
        static string? KeepRequired(string? given, string? held) => string.IsNullOrEmpty(given) ? held : given.Trim();
        return kind switch
        {
            ChannelKind.Webhook => new(HmacSecret: request.HmacSecret ?? current.HmacSecret),
            ChannelKind.Slack => new(SlackUrl: KeepRequired(request.Url, current.SlackUrl)),
            // No user: no password either.
            ChannelKind.Email => new(SmtpPassword: string.IsNullOrEmpty(request.SmtpUser) ? null : request.SmtpPassword ?? current.SmtpPassword),
            _ when ChannelKinds.UrlIsSecret(kind) => new(WebhookUrl: KeepRequired(request.Url, current.WebhookUrl)),
            ChannelKind.PagerDuty => new(RoutingKey: KeepRequired(request.RoutingKey, current.RoutingKey)),
            ChannelKind.Opsgenie => new(ApiKey: KeepRequired(request.ApiKey, current.ApiKey)),
            ChannelKind.Telegram => new(BotToken: KeepRequired(request.BotToken, current.BotToken)),
            ChannelKind.Ntfy => new(Token: Keep(request.Token, current.Token)),
            ChannelKind.Pushover => new(UserKey: KeepRequired(request.UserKey, current.UserKey), AppToken: KeepRequired(request.AppToken, current.AppToken)),
            _ => ChannelSecretValues.None,
        };
    }

    private static void SetFlags(NotificationChannel channel, ChannelSecretValues values)
    {
        channel.HmacSecretSet = !string.IsNullOrEmpty(values.HmacSecret);
        channel.SmtpPasswordSet = !string.IsNullOrEmpty(values.SmtpPassword);
        channel.SlackUrlSet = !string.IsNullOrEmpty(values.SlackUrl);
        channel.WebhookUrlSet = !string.IsNullOrEmpty(values.WebhookUrl);
        channel.RoutingKeySet = !string.IsNullOrEmpty(values.RoutingKey);
        channel.ApiKeySet = !string.IsNullOrEmpty(values.ApiKey);
        channel.BotTokenSet = !string.IsNullOrEmpty(values.BotToken);
        channel.TokenSet = !string.IsNullOrEmpty(values.Token);
        channel.UserKeySet = !string.IsNullOrEmpty(values.UserKey);
        channel.AppTokenSet = !string.IsNullOrEmpty(values.AppToken);
    }
}
