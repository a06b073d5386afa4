namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// A Telegram bot: POST {endpoint}/bot{token}/sendMessage (endpoint by default https://api.telegram.org) with
/// chat_id, parse_mode HTML and every text HTML-escaped. The token is in the path, so reasons name the host only
/// and any echo of the token is blanked.
/// </summary>
public sealed class TelegramSender(IHttpClientFactory clients) : IKindSender
{
    public const string DefaultEndpoint = "https://api.telegram.org";

    public ChannelKind Kind => ChannelKind.Telegram;

    public static string Text(AlertNotification n, string? link)
    {
        var lines = new List<string> { $"<b>{AlertText.EscapeHtml(AlertText.Title(n))}</b>" };
        if (!AlertText.IsShort(n)) lines.AddRange(AlertText.Fields(n).Select(f => $"{f.Name}: {AlertText.EscapeHtml(f.Value)}"));
        if (link is not null) lines.Add($"<a href=\"{AlertText.EscapeHtml(link)}\">{AlertText.OpenInConsole}</a>");
        return AlertText.Cut(string.Join("\n", lines), 4096);
    }

    public Task SendAsync(NotificationChannel channel, ChannelSecretValues secrets, AlertNotification n, string? link, long? deliveryId, CancellationToken cancellationToken)
    {
        var token = secrets.BotToken ?? throw new ChannelSendException("Vault holds no Telegram bot token for this channel");
        var url = $"{(channel.Endpoint ?? DefaultEndpoint).TrimEnd('/')}/bot{token}/sendMessage";
        var payload = new { chat_id = channel.ChatId, text = Text(n, link), parse_mode = "HTML", link_preview_options = new { is_disabled = true } };
        return HttpPost.JsonAsync(clients, url, payload, secrets, cancellationToken);
    }
}
