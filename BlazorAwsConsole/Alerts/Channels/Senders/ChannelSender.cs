using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>The one path every send takes (alerts, retries, "send test"): reads the channel's secrets from Vault, then its kind's sender.</summary>
public sealed class ChannelSender(ChannelSecrets secrets, WebhookSender webhook, SlackSender slack, EmailSender email, IEnumerable<IKindSender> kinds,
    IOptions<DeliveryOptions> options)
{
    private readonly Dictionary<ChannelKind, IKindSender> _kinds = kinds.ToDictionary(k => k.Kind);

    /// <summary>Throws <see cref="ChannelSendException"/> with the reason when the notification did not go through.</summary>
    public async Task SendAsync(NotificationChannel channel, AlertNotification notification, long? deliveryId, CancellationToken cancellationToken)
    {
        ChannelSecretValues values;
        try
        {
            values = await secrets.ReadAsync(channel, cancellationToken);
        }
        catch (BlazorAwsConsole.Secrets.VaultException ex)
        {
            throw new ChannelSendException($"the channel's secrets could not be read from Vault: {ex.Reason}", ex);
        }
        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var link = NotificationPayload.AbsoluteLink(notification, options.Value.ConsoleUrl);
        try
        {
            switch (channel.Kind)
            {
                case ChannelKind.Webhook:
                    await webhook.SendAsync(channel.Url!, values.HmacSecret, notification, link, deliveryId, deadline.Token);
                    break;
                case ChannelKind.Slack:
                    if (string.IsNullOrEmpty(values.SlackUrl)) throw new ChannelSendException("Vault holds no Slack webhook URL for this channel");
                    await slack.SendAsync(values.SlackUrl, notification, link, deadline.Token);
                    break;
                case ChannelKind.Email:
                    await email.SendAsync(channel, values.SmtpPassword, notification, link, timeout, deadline.Token);
                    break;
                default:
                    if (!_kinds.TryGetValue(channel.Kind, out var kind)) throw new ChannelSendException($"no sender for {channel.Kind} channels") { Permanent = true };
                    await kind.SendAsync(channel, values, notification, link, deliveryId, deadline.Token);
                    break;
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException($"no answer within {timeout.TotalSeconds:0} s", ex);
        }
        catch (Exception ex) when (ex is not (ChannelSendException or OperationCanceledException))
        {
            // Whatever a sender or its library throws is a failed send with a reason, never a crash of the worker or a 500.
            // A library's message may quote a URL or token: every secret of the channel is blanked out of it.
            throw new ChannelSendException(HttpPost.Redact($"{channel.Kind} send failed: {ex.GetType().Name}: {ex.Message}", values.All), ex);
        }
    }

    /// <summary>
    /// A message composed elsewhere (a status page's mail to a subscriber) through an e-mail channel's SMTP server, with its
    /// password from Vault and the same deadline and error handling as an alert's mail.
    /// </summary>
    public async Task SendMailAsync(NotificationChannel channel, MimeKit.MimeMessage message, CancellationToken cancellationToken)
    {
        if (channel.Kind != ChannelKind.Email) throw new ChannelSendException($"channel {channel.Name} is not an e-mail channel") { Permanent = true };
        var values = await SecretsAsync(channel, cancellationToken);
        await WithDeadlineAsync(values, channel.Kind.ToString(), (timeout, token) => email.SendAsync(channel, values.SmtpPassword, message, timeout, token), cancellationToken);
    }

    /// <summary>A JSON body composed elsewhere (a status page's message to a subscriber's webhook), through the guarded client.</summary>
    public Task PostJsonAsync(string url, byte[] body, long? deliveryId, CancellationToken cancellationToken) =>
        WithDeadlineAsync(new ChannelSecretValues(), "Webhook", (_, token) => webhook.PostAsync(url, null, body, deliveryId, token), cancellationToken);

    private async Task<ChannelSecretValues> SecretsAsync(NotificationChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            return await secrets.ReadAsync(channel, cancellationToken);
        }
        catch (BlazorAwsConsole.Secrets.VaultException ex)
        {
            throw new ChannelSendException($"the channel's secrets could not be read from Vault: {ex.Reason}", ex);
        }
    }

    private async Task WithDeadlineAsync(ChannelSecretValues values, string kind, Func<TimeSpan, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await send(timeout, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException($"no answer within {timeout.TotalSeconds:0} s", ex);
        }
        catch (Exception ex) when (ex is not (ChannelSendException or OperationCanceledException))
        {
            throw new ChannelSendException(HttpPost.Redact($"{kind} send failed: {ex.GetType().Name}: {ex.Message}", values.All), ex);
        }
    }
}
