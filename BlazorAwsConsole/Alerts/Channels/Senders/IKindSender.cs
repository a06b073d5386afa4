namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// The sender of one HTTP kind (PagerDuty, Opsgenie, the chats): <see cref="ChannelSender"/> picks it by
/// <see cref="Kind"/> and gives it the channel, its secrets from Vault and the absolute link.
/// </summary>
public interface IKindSender
{
    ChannelKind Kind { get; }

    /// <summary>Throws <see cref="ChannelSendException"/> when the service did not take it.</summary>
    Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification notification, string? link, long? deliveryId, CancellationToken cancellationToken);
}
