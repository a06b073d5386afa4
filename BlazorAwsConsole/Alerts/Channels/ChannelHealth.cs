using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Keeps each channel's run of failed deliveries and flags the channel as failing once the last
/// Alerts:Delivery:FailingAfter deliveries failed; one sent delivery clears it.
/// </summary>
public sealed class ChannelHealth(IDbContextFactory<ConsoleDbContext> databases, LiveFeed feed, IOptions<DeliveryOptions> options,
    TimeProvider time, ILogger<ChannelHealth> logger)
{
    // One writer at a time, so two deliveries finishing together cannot both miss a flag change.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public bool IsFailing(NotificationChannel channel) => channel.FailureStreak >= options.Value.FailingAfter;

    /// <summary>
    /// Records an attempt: <paramref name="writeDelivery"/> saves the delivery row and, when the attempt
    /// was the delivery's last (<paramref name="final"/>), the channel's streak changes in the same
    /// transaction. <paramref name="error"/> null means it was sent. Writes go one at a time: SQLite
    /// takes one writer anyway, and waiting here is cheaper than its busy retries.
    /// </summary>
    public async Task RecordAsync(int? channelId, bool final, string? error, Func<ConsoleDbContext, Task> writeDelivery)
    {
        await _gate.WaitAsync();
        ChannelHealthChanged? changed = null;
        try
        {
            await using var db = await databases.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await writeDelivery(db);
            if (final && channelId is { } id) changed = await UpdateStreakAsync(db, id, error);
            await transaction.CommitAsync();
        }
        finally
        {
            _gate.Release();
        }
        if (changed is null) return;
        if (changed.IsFailing)
            logger.LogWarning("Notification channel {ChannelId} ({ChannelName}) is failing: its last {Count} deliveries failed, the last with: {Reason}",
                changed.ChannelId, changed.Name, options.Value.FailingAfter, changed.LastError);
        else
            logger.LogInformation("Notification channel {ChannelId} ({ChannelName}) delivers again", changed.ChannelId, changed.Name);
        feed.Publish(changed);
    }

    /// <summary>Moves the streak; returns the event to publish when the failing flag flipped.</summary>
    private async Task<ChannelHealthChanged?> UpdateStreakAsync(ConsoleDbContext db, int channelId, string? error)
    {
        var channel = await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == channelId);
        if (channel is null) return null; // deleted meanwhile
        var wasFailing = IsFailing(channel);
        var now = time.GetUtcNow().UtcDateTime;
        if (error is null)
        {
            channel.FailureStreak = 0;
            channel.LastSentAt = now;
        }
        else
        {
            channel.FailureStreak++;
            channel.LastError = error.Length > 1024 ? error[..1024] : error;
            channel.LastFailedAt = now;
        }
        await db.SaveChangesAsync();
        return IsFailing(channel) == wasFailing ? null : new ChannelHealthChanged(channel.Id, channel.Name, IsFailing(channel), channel.LastError);
    }
}
