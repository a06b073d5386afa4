using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>A notification waiting to be written as delivery rows.</summary>
public sealed record QueuedNotification(AlertNotification Notification, IReadOnlyList<int>? ChannelIds);

/// <summary>
/// The <see cref="IAlertNotifier"/> the alert engine calls: a bounded in-memory queue that the
/// <see cref="DeliveryWorker"/> drains into delivery rows within moments. Enqueue never blocks or throws;
/// when the queue is full (Alerts:Delivery:QueueCapacity) the notification is dropped with an error log.
/// </summary>
public sealed class DeliveryQueue(IOptions<DeliveryOptions> options, ILogger<DeliveryQueue> logger) : IAlertNotifier
{
    private readonly Channel<QueuedNotification> _queue = Channel.CreateBounded<QueuedNotification>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    // One pending wake-up is enough: the worker reads every due row when it wakes.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<QueuedNotification> Reader => _queue.Reader;

    /// <summary>Says that due rows were written directly (status-page subscribers): the worker sends them now, not at its next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    internal async Task WokenAsync(CancellationToken cancellationToken)
    {
        await _wake.Reader.ReadAsync(cancellationToken);
    }

    /// <summary>Puts back a notification the worker could not write yet.</summary>
    internal void Requeue(QueuedNotification queued)
    {
        if (!_queue.Writer.TryWrite(queued))
            logger.LogError("The notification queue is full: alert {AlertId} ({RuleName}, {Status}) was lost after a database error",
                queued.Notification.AlertId, queued.Notification.RuleName, queued.Notification.Status);
    }

    public void Enqueue(AlertNotification notification, IReadOnlyList<int>? channelIds = null)
    {
        try
        {
            if (_queue.Writer.TryWrite(new QueuedNotification(notification, channelIds?.ToArray()))) return;
            // Metrics hook: a dropped notification is a notification failure too.
            logger.LogError("The notification queue is full ({Capacity}): alert {AlertId} ({RuleName}, {Status}) was not queued",
                options.Value.QueueCapacity, notification.AlertId, notification.RuleName, notification.Status);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not queue the notification of alert {AlertId}", notification?.AlertId);
        }
    }
}
