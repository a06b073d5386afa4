using BlazorAwsConsole.Alerts.Channels.Senders;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Delivers notifications: writes one Pending row per channel for each queued notification before
/// anything is sent, then sends every due row, retrying with exponential backoff
/// (Alerts:Delivery:FirstRetrySeconds, doubling) until Sent or, after MaxAttempts, Failed with the
/// reason; a refusal (HTTP 4xx but 408/429) fails at once, and a Retry-After (429, 5xx) is waited for. At start it takes up the rows a previous run left pending, at once. Nodes sharing one database
/// share the rows: each batch is claimed first (<see cref="DeliveryClaims"/>), so every attempt is made by
/// one node, and a node also looks every Alerts:Delivery:PollSeconds for rows another node wrote or let go.
/// </summary>
public sealed class DeliveryWorker(
    DeliveryQueue queue,
    IDbContextFactory<ConsoleDbContext> databases,
    ChannelSender sender,
    ChannelHealth health,
    LiveFeed feed,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    IOptions<Cluster.ClusterOptions> cluster,
    ILogger<DeliveryWorker> logger,
    Observability.ConsoleMetrics? metrics = null,
    ISubscriberSender? subscribers = null) : BackgroundService
{
    private const int BatchSize = 50;
    private const int ParallelSends = 8;
    private readonly string _node = cluster.Value.EffectiveNodeName;

    /// <summary>
    /// How long a claimed batch is this node's: every send of the batch at its deadline, in rounds of
    /// <see cref="ParallelSends"/>, plus slack. Only a node that died (or hung) holds a row that long.
    /// </summary>
    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.TimeoutSeconds * Math.Ceiling((double)BatchSize / ParallelSends) + 30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host finish starting
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ResumeAsync(stoppingToken);
                break;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Could not read the pending notification deliveries; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecordQueuedAsync(stoppingToken);
                var next = await SendDueAsync(stoppingToken);
                await WaitAsync(next, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database may be briefly locked or gone; nothing is lost while the rows and queue hold it.
                logger.LogError(ex, "Notification delivery failed unexpectedly; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Rows left pending by a previous run (or another process) are due now: a restart is a natural moment to retry.</summary>
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await DeliveryClaims.ReleaseOwnAsync(db, _node, cancellationToken);
        await db.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt > now && d.ClaimedUntil == null)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.NextAttemptAt, now), cancellationToken);
        var pending = await db.NotificationDeliveries.CountAsync(d => d.Status == DeliveryStatus.Pending, cancellationToken);
        if (pending > 0) logger.LogInformation("Resuming {Count} pending notification deliveries", pending);
    }

    /// <summary>One Pending row per target channel for every queued notification, saved before any send (one commit per batch).</summary>
    private async Task RecordQueuedAsync(CancellationToken cancellationToken)
    {
        const int MaxBatch = 500;
        var batch = new List<QueuedNotification>();
        while (batch.Count < MaxBatch && queue.Reader.TryRead(out var queued)) batch.Add(queued);
        if (batch.Count == 0) return;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var enabled = await db.NotificationChannels.AsNoTracking().Where(c => c.Enabled).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var queued in batch)
        {
            // A chat channel with NotifyResolved off gets no resolves: no row, nothing sent.
            var targets = enabled.Where(c => (queued.ChannelIds is not { } ids || ids.Contains(c.Id)) && ChannelKinds.Wants(c, queued.Notification))
                .Select(c => c.Id).ToList();
            if (targets.Count == 0)
            {
                logger.LogInformation("Alert {AlertId} ({Status}) has no enabled channel to go to", queued.Notification.AlertId, queued.Notification.Status);
                continue;
            }
            var payload = NotificationPayload.Serialize(queued.Notification);
            foreach (var channelId in targets)
            {
                db.NotificationDeliveries.Add(new NotificationDelivery
                {
                    ChannelId = channelId,
                    AlertId = queued.Notification.AlertId,
                    Payload = payload,
                    Status = DeliveryStatus.Pending,
                    CreatedAt = now,
                    NextAttemptAt = now,
                });
            }
        }
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Not written: back into the queue for the next round, so a briefly locked database loses nothing.
            foreach (var queued in batch) queue.Requeue(queued);
            throw;
        }
    }

    /// <summary>Sends what is due; returns when the next pending row falls due (null: none pending).</summary>
    private async Task<DateTime?> SendDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var due = await DeliveryClaims.ClaimDueAsync(db, _node, now, Lease, BatchSize, cancellationToken);
            if (due.Count == 0) return await DeliveryClaims.NextDueAsync(db, now, cancellationToken);
            var channelIds = due.Where(d => d.ChannelId != null).Select(d => d.ChannelId!.Value).Distinct().ToList();
            var channels = await db.NotificationChannels.AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = cancellationToken },
                async (delivery, token) => await AttemptAsync(delivery, delivery.ChannelId is { } id ? channels.GetValueOrDefault(id) : null, token));
            // New notifications go before the next batch of retries.
            await RecordQueuedAsync(cancellationToken);
        }
    }

    private async Task AttemptAsync(NotificationDelivery delivery, NotificationChannel? channel, CancellationToken cancellationToken)
    {
        string? error = null;
        var final = true;
        var permanent = false; // retrying would not help
        TimeSpan? retryAfter = null; // the service said when
        var forSubscriber = delivery.SubscriptionId is not null;
        if (channel is null && (!forSubscriber || delivery.ChannelId is not null)) return; // deleted: its rows went with it
        if (channel is { Enabled: false })
        {
            error = "the channel was disabled before the notification could be sent";
            permanent = true;
        }
        else
        {
            try
            {
                if (!forSubscriber) await sender.SendAsync(channel!, NotificationPayload.Deserialize(delivery.Payload), delivery.Id, cancellationToken);
                else if (subscribers is null) throw new ChannelSendException("status-page subscriptions are not set up on this node") { Permanent = true };
                else await subscribers.SendAsync(delivery, channel, cancellationToken);
            }
            catch (ChannelSendException ex)
            {
                error = ex.Message;
                permanent = ex.Permanent;
                retryAfter = ex.RetryAfter;
            }
            catch (System.Text.Json.JsonException ex)
            {
                error = $"the stored notification cannot be read: {ex.Message}";
                permanent = true;
            }
        }
        var attempts = delivery.Attempts + 1;
        var now = time.GetUtcNow().UtcDateTime;
        var status = error is null ? DeliveryStatus.Sent : DeliveryStatus.Failed;
        var next = now;
        if (error is not null && !permanent && attempts < options.Value.MaxAttempts)
        {
            status = DeliveryStatus.Pending;
            next = now + options.Value.RetryDelay(attempts, retryAfter);
            final = false;
        }
        var reason = error is null ? null : error.Length > 1024 ? error[..1024] : error;
        // Saved even when the console is stopping, so the attempt is counted.
        // Only while this node's claim holds the row; the claim ends with the attempt.
        await health.RecordAsync(channel?.Id, final, error, db => db.NotificationDeliveries.Where(d => d.Id == delivery.Id && d.ClaimToken == delivery.ClaimToken)
            .ExecuteUpdateAsync(set => set
            .SetProperty(d => d.ClaimedBy, (string?)null)
            .SetProperty(d => d.ClaimedUntil, (DateTime?)null)
            .SetProperty(d => d.ClaimToken, (Guid?)null)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.LastError, reason)
            .SetProperty(d => d.SentAt, error == null ? now : null)
            .SetProperty(d => d.NextAttemptAt, next)));
        if (channel is null)
        {
            OnSubscriberAttemptFinished(delivery, attempts, status, error);
            return;
        }
        OnAttemptFinished(channel, delivery, attempts, status, error);
        feed.Publish(new NotificationDeliveryRecorded(channel.Id, delivery.Id, status));
    }

    /// <summary>
    /// The one place every attempt's outcome passes: logs it (never a secret: reasons name hosts, not
    /// paths or credentials), and counts every failed attempt in the metrics by channel kind.
    /// </summary>
    private void OnAttemptFinished(NotificationChannel channel, NotificationDelivery delivery, int attempts, DeliveryStatus status, string? error)
    {
        if (status != DeliveryStatus.Sent) metrics?.NotificationFailed(channel.Kind.ToString().ToLowerInvariant());
        switch (status)
        {
            case DeliveryStatus.Sent:
                logger.LogInformation("Notification {DeliveryId} of alert {AlertId} sent to {ChannelKind} channel {ChannelName} (attempt {Attempt})",
                    delivery.Id, delivery.AlertId, channel.Kind, channel.Name, attempts);
                break;
            case DeliveryStatus.Pending:
                logger.LogWarning("Notification {DeliveryId} to {ChannelKind} channel {ChannelName} failed (attempt {Attempt} of {MaxAttempts}), retrying: {Reason}",
                    delivery.Id, channel.Kind, channel.Name, attempts, options.Value.MaxAttempts, error);
                break;
            default:
                logger.LogError("Notification {DeliveryId} of alert {AlertId} to {ChannelKind} channel {ChannelName} failed after {Attempt} attempts: {Reason}",
                    delivery.Id, delivery.AlertId, channel.Kind, channel.Name, attempts, error);
                break;
        }
    }

    /// <summary>A subscriber's webhook: logged by row and subscription id only (its URL is the subscriber's, like an address).</summary>
    private void OnSubscriberAttemptFinished(NotificationDelivery delivery, int attempts, DeliveryStatus status, string? error)
    {
        if (status != DeliveryStatus.Sent) metrics?.NotificationFailed("subscriber-webhook");
        if (status == DeliveryStatus.Sent)
            logger.LogInformation("Notification {DeliveryId} sent to status-page subscription {SubscriptionId} (attempt {Attempt})", delivery.Id, delivery.SubscriptionId, attempts);
        else
            logger.LogWarning("Notification {DeliveryId} to status-page subscription {SubscriptionId} {Outcome} (attempt {Attempt})",
                delivery.Id, delivery.SubscriptionId, status == DeliveryStatus.Pending ? "will be retried" : "failed", attempts);
    }

    private async Task WaitAsync(DateTime? next, CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        var delay = next is { } due ? due - time.GetUtcNow().UtcDateTime : poll;
        if (delay <= TimeSpan.Zero) return;
        if (delay > poll) delay = poll;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = Task.Delay(delay, time, wake.Token);
        var arrival = queue.Reader.WaitToReadAsync(wake.Token).AsTask();
        var woken = queue.WokenAsync(wake.Token);
        await Task.WhenAny(timer, arrival, woken);
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }
}
