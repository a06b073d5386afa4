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

    /// <summary>Records a finished delivery: <paramref name="error"/> null means it was sent.</summary>
    public async Task RecordAsync(int channelId, string? error, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var channel = await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken);
            if (channel is null) return; // deleted meanwhile
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
            await db.SaveChangesAsync(CancellationToken.None);
            if (IsFailing(channel) == wasFailing) return;
            if (IsFailing(channel))
                logger.LogWarning("Notification channel {ChannelId} ({ChannelName}) is failing: its last {Count} deliveries failed, the last with: {Reason}",
                    channel.Id, channel.Name, channel.FailureStreak, channel.LastError);
            else
                logger.LogInformation("Notification channel {ChannelId} ({ChannelName}) delivers again", channel.Id, channel.Name);
            feed.Publish(new ChannelHealthChanged(channel.Id, channel.Name, IsFailing(channel), channel.LastError));
        }
        finally
        {
            _gate.Release();
        }
    }
}
