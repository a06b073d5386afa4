using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>Sends the notification as a plain-text e-mail over SMTP (MailKit): subject "[SEVERITY] status: summary".</summary>
public sealed class EmailSender(EndpointGuard guard)
{
    public static MimeMessage Compose(NotificationChannel channel, AlertNotification notification, string? link)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(channel.From!));
        foreach (var to in channel.To) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = NotificationPayload.Headline(notification);
        message.Date = notification.At;
        message.Body = new TextPart("plain")
        {
            Text = $"""
                {NotificationPayload.Headline(notification)}

                Rule:     {notification.RuleName}
                Subject:  {notification.Subject}
                Severity: {notification.Severity}
                Status:   {notification.Status}
                At:       {notification.At:u}
                Alert:    {(notification.AlertId > 0 ? notification.AlertId.ToString() : "(test)")}
                Link:     {link ?? "(none)"}

                Sent by BlazorAwsConsole notification channel "{channel.Name}".
                """,
        };
        return message;
    }

    public Task SendAsync(NotificationChannel channel, string? password, AlertNotification notification, string? link, TimeSpan timeout, CancellationToken cancellationToken) =>
        SendAsync(channel, password, Compose(channel, notification, link), timeout, cancellationToken);

    /// <summary>Sends a message composed elsewhere (a status page's mail to a subscriber) through the channel's SMTP server.</summary>
    public async Task SendAsync(NotificationChannel channel, string? password, MimeMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var where = $"{channel.SmtpHost}:{channel.SmtpPort}";
        using var client = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        try
        {
            // MailKit is handed a socket the guard dialled, so the SMTP host passes the link-local rule too.
            var socket = await guard.DialAsync(channel.SmtpHost ?? "", channel.SmtpPort ?? 25, cancellationToken);
            try
            {
                await client.ConnectAsync(socket, channel.SmtpHost ?? "", channel.SmtpPort ?? 25, channel.SmtpTls switch
                {
                    SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
                    SmtpTlsMode.Ssl => SecureSocketOptions.SslOnConnect,
                    _ => SecureSocketOptions.None,
                }, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            if (!string.IsNullOrEmpty(channel.SmtpUser)) await client.AuthenticateAsync(channel.SmtpUser, password ?? "", cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (ChannelSendException ex)
        {
            throw new ChannelSendException($"SMTP {where}: {ex.Message}", ex);
        }
        catch (AuthenticationException ex)
        {
            throw new ChannelSendException($"SMTP {where} refused the login of {channel.SmtpUser}: {ex.Message}", ex);
        }
        catch (SmtpCommandException ex)
        {
            throw new ChannelSendException($"SMTP {where} refused {ex.ErrorCode} ({(int)ex.StatusCode}): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or SocketException or IOException or SslHandshakeException or ServiceNotConnectedException or ServiceNotAuthenticatedException or TimeoutException)
        {
            throw new ChannelSendException($"SMTP {where}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException($"SMTP {where} did not answer within {timeout.TotalSeconds:0} s", ex);
        }
    }
}
