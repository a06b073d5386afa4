namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Sends the delivery rows that belong to a status-page subscriber (<see cref="NotificationDelivery.SubscriptionId"/> set).
/// The <see cref="DeliveryWorker"/> claims, retries and records them like every other row; only the message and its
/// target (the subscriber's address or webhook URL) come from the status pages, and the send itself goes through the
/// channels' own senders (<see cref="Senders.ChannelSender"/>).
/// </summary>
public interface ISubscriberSender
{
    /// <summary>Throws <see cref="Senders.ChannelSendException"/> when it did not go through.</summary>
    /// <param name="mailChannel">The e-mail channel whose SMTP server sends a subscriber's mail; null for a webhook.</param>
    Task SendAsync(NotificationDelivery delivery, NotificationChannel? mailChannel, CancellationToken cancellationToken);
}
