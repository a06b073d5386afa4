using System.Text.RegularExpressions;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// The fields of the service kinds (PagerDuty, Opsgenie, Telegram, Ntfy, Pushover): each bad field is
/// named with what it must look like. Secrets are checked here and moved to Vault by the service.
/// </summary>
internal static partial class OnCallChannelValidator
{
    [GeneratedRegex("^[A-Za-z0-9]{32}$")]
    private static partial Regex RoutingKeyPattern();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex ApiKeyPattern();

    [GeneratedRegex("^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$")]
    private static partial Regex BotTokenPattern();

    [GeneratedRegex("^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")]
    private static partial Regex ChatIdPattern();

    [GeneratedRegex("^[\\x21-\\x7E]{1,256}$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[A-Za-z0-9]{30}$")]
    private static partial Regex PushoverKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TopicPattern();

    public static void Apply(ChannelRequest request, NotificationChannel channel, bool isNew, bool vaultConfigured, Dictionary<string, string[]> errors)
    {
        channel.Url = null;
        channel.Region = null;
        channel.ChatId = null;
        channel.Priority = null;
        switch (channel.Kind)
        {
            case ChannelKind.PagerDuty:
                Secret(request.RoutingKey, channel.RoutingKeySet, "routingKey", "The routing key (the integration key of an Events API v2 integration): 32 letters and digits",
                    RoutingKeyPattern(), required: true, isNew, vaultConfigured, errors);
                channel.TargetHint = "PagerDuty Events API v2";
                break;

            case ChannelKind.Opsgenie:
                Secret(request.ApiKey, channel.ApiKeySet, "apiKey", "The API key (of an API integration): a GUID like 01234567-89ab-cdef-0123-456789abcdef",
                    ApiKeyPattern(), required: true, isNew, vaultConfigured, errors);
                var region = string.IsNullOrWhiteSpace(request.Region) ? "us" : request.Region.Trim().ToLowerInvariant();
                if (region is not ("us" or "eu")) errors["region"] = ["Region must be us or eu."];
                channel.Region = region;
                channel.TargetHint = $"Opsgenie ({region})";
                break;

            case ChannelKind.Telegram:
                Secret(request.BotToken, channel.BotTokenSet, "botToken", "The bot token (from @BotFather): digits, a colon and the secret, like 123456:ABC-DEF…",
                    BotTokenPattern(), required: true, isNew, vaultConfigured, errors);
                var chat = request.ChatId?.Trim() ?? "";
                if (!ChatIdPattern().IsMatch(chat)) errors["chatId"] = ["Chat id: the chat's number (e.g. -1001234567890) or @channelusername."];
                channel.ChatId = chat;
                channel.TargetHint = $"Telegram chat {chat}";
                break;

            case ChannelKind.Ntfy:
                if (!ChannelValidator.IsHttpUrl(request.Url, out var topicUrl) || !TopicPattern().IsMatch(topicUrl.Segments[^1].TrimEnd('/')) || topicUrl.Query.Length > 0)
                    errors["url"] = ["URL: the server and topic, like https://ntfy.sh/my-alerts (topic: letters, digits, - and _)."];
                else
                {
                    channel.Url = topicUrl.ToString();
                    channel.TargetHint = topicUrl.ToString();
                }
                Secret(request.Token, channel.TokenSet, "token", "The access token: 1–256 characters without spaces",
                    TokenPattern(), required: false, isNew, vaultConfigured, errors);
                Priority(request.Priority, 1, 5, "Priority: 1 (min) to 5 (max); 3 is ntfy's default.", channel, errors);
                break;

            case ChannelKind.Pushover:
                Secret(request.UserKey, channel.UserKeySet, "userKey", "The user (or group) key: 30 letters and digits",
                    PushoverKeyPattern(), required: true, isNew, vaultConfigured, errors);
                Secret(request.AppToken, channel.AppTokenSet, "appToken", "The application token: 30 letters and digits",
                    PushoverKeyPattern(), required: true, isNew, vaultConfigured, errors);
                Priority(request.Priority, -2, 2, "Priority: -2 (lowest) to 2 (emergency, repeated until confirmed); 0 is normal.", channel, errors);
                channel.TargetHint = "Pushover";
                break;
        }
    }

    /// <summary>A write-only secret: null keeps what Vault holds (when it holds one), "" removes an optional one.</summary>
    private static void Secret(string? value, bool isSet, string field, string shape, Regex pattern, bool required, bool isNew,
        bool vaultConfigured, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required && (isNew || !isSet || value is not null)) errors[field] = [$"{shape}; it is required."];
            return;
        }
        if (!pattern.IsMatch(value.Trim())) errors[field] = [$"{shape}."];
        else if (!vaultConfigured) errors[field] = [$"{shape} — a credential: {ChannelSecrets.VaultRequired}."];
    }

    private static void Priority(int? value, int min, int max, string message, NotificationChannel channel, Dictionary<string, string[]> errors)
    {
        if (value is { } p && (p < min || p > max)) errors["priority"] = [message];
        channel.Priority = value;
    }
}
