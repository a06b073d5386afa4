using System.Text.RegularExpressions;
using MimeKit;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// Checks a <see cref="ChannelRequest"/> against the channel it creates or changes and applies the
/// plain fields to it. Errors are keyed by the request's camelCase field names (to[1] for the second
/// recipient). Secrets are only checked here; the service moves them to Vault.
/// </summary>
public static partial class ChannelValidator
{
    public const int MinHmacSecretLength = 16;
    public const int MaxRecipients = 50;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$|^\[?[0-9a-fA-F:.]+\]?$")]
    private static partial Regex HostPattern();

    /// <summary>Applies the request to <paramref name="channel"/> (new or existing) and returns the errors; secrets are checked, not stored.</summary>
    public static Dictionary<string, string[]> Apply(ChannelRequest request, NotificationChannel channel, bool isNew, bool vaultConfigured)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (!NamePattern().IsMatch(name)) errors["name"] = ["Name: 1–64 letters, digits, spaces or . _ - ( ), starting with a letter or digit."];
        channel.Name = name;

        if (isNew || request.Kind is not null)
        {
            if (!Enum.TryParse<ChannelKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(request.Kind, out _))
                errors["kind"] = [$"Kind must be {ChannelKinds.Names}."];
            else if (!isNew && kind != channel.Kind)
                errors["kind"] = [$"A channel's kind cannot change (this one is {channel.Kind}); add a new channel instead."];
            else
                channel.Kind = kind;
        }
        if (request.Enabled is { } enabled) channel.Enabled = enabled;
        if (errors.ContainsKey("kind")) return errors;

        switch (channel.Kind)
        {
            case ChannelKind.Webhook:
                if (!IsHttpUrl(request.Url, out var url)) errors["url"] = ["URL must be an absolute http:// or https:// address."];
                else
                {
                    channel.Url = url.ToString();
                    channel.TargetHint = url.ToString();
                }
                if (!string.IsNullOrEmpty(request.HmacSecret))
                {
                    if (request.HmacSecret.Length < MinHmacSecretLength || request.HmacSecret.Length > 512)
                        errors["hmacSecret"] = [$"HMAC secret: {MinHmacSecretLength}–512 characters."];
                    else if (!vaultConfigured) errors["hmacSecret"] = [$"HMAC secret: {ChannelSecrets.VaultRequired}."];
                }
                break;

            case ChannelKind.Slack or ChannelKind.Teams or ChannelKind.Discord or ChannelKind.GoogleChat or ChannelKind.Mattermost:
                channel.Url = null;
                if (string.IsNullOrEmpty(request.Url))
                {
                    if (isNew || !(channel.Kind == ChannelKind.Slack ? channel.SlackUrlSet : channel.WebhookUrlSet))
                        errors["url"] = [$"The {Label(channel.Kind)} webhook URL is required."];
                }
                else if (!IsHttpUrl(request.Url, out var hook)) errors["url"] = ["URL must be an absolute http:// or https:// address."];
                else if (!vaultConfigured) errors["url"] = [$"The {Label(channel.Kind)} webhook URL is a credential: {ChannelSecrets.VaultRequired}."];
                else channel.TargetHint = $"{Label(channel.Kind)} webhook at {hook.Host}";
                break;

            case ChannelKind.Email:
                ValidateEmail(request, channel, vaultConfigured, errors);
                break;

            default:
                OnCallChannelValidator.Apply(request, channel, isNew, vaultConfigured, errors);
                break;
        }
        ApplyCommon(request, channel, errors);
        return errors;
    }

    /// <summary>What every kind may have: the endpoint that replaces a service's URL, and NotifyResolved for chats.</summary>
    private static void ApplyCommon(ChannelRequest request, NotificationChannel channel, Dictionary<string, string[]> errors)
    {
        channel.Endpoint = null;
        if (!string.IsNullOrWhiteSpace(request.Endpoint))
        {
            if (!ChannelKinds.TakesEndpoint(channel.Kind))
                errors["endpoint"] = [$"A {channel.Kind} channel has no separate endpoint: its {(channel.Kind == ChannelKind.Email ? "SMTP host" : "url")} is where it connects."];
            else if (!IsHttpUrl(request.Endpoint, out var endpoint)) errors["endpoint"] = ["Endpoint must be an absolute http:// or https:// address."];
            else
            {
                channel.Endpoint = endpoint.ToString();
                channel.TargetHint = $"{channel.TargetHint} via {endpoint.Authority}";
            }
        }
        if (ChannelKinds.IsChat(channel.Kind) && request.NotifyResolved is { } notifyResolved) channel.NotifyResolved = notifyResolved;
    }

    internal static string Label(ChannelKind kind) => kind == ChannelKind.GoogleChat ? "Google Chat" : kind.ToString();

    private static void ValidateEmail(ChannelRequest request, NotificationChannel channel, bool vaultConfigured, Dictionary<string, string[]> errors)
    {
        var host = request.SmtpHost?.Trim() ?? "";
        if (!HostPattern().IsMatch(host)) errors["smtpHost"] = ["SMTP host: a host name or IP address."];
        channel.SmtpHost = host;

        SmtpTlsMode tls = SmtpTlsMode.None;
        if (request.SmtpTls is not null && (!Enum.TryParse(request.SmtpTls, ignoreCase: true, out tls) || !Enum.IsDefined(tls) || int.TryParse(request.SmtpTls, out _)))
            errors["smtpTls"] = ["TLS must be None, StartTls or Ssl."];
        channel.SmtpTls = tls;

        var port = request.SmtpPort ?? tls switch { SmtpTlsMode.Ssl => 465, SmtpTlsMode.StartTls => 587, _ => 25 };
        if (port is < 1 or > 65535) errors["smtpPort"] = ["SMTP port: 1–65535."];
        channel.SmtpPort = port;

        var user = string.IsNullOrWhiteSpace(request.SmtpUser) ? null : request.SmtpUser.Trim();
        if (user is { Length: > 256 }) errors["smtpUser"] = ["SMTP user: at most 256 characters."];
        channel.SmtpUser = user;
        var passwordAfter = request.SmtpPassword is null ? channel.SmtpPasswordSet : request.SmtpPassword.Length > 0;
        if (user is not null && !passwordAfter) errors["smtpPassword"] = ["A password is required with an SMTP user."];
        else if (user is null && !string.IsNullOrEmpty(request.SmtpPassword)) errors["smtpUser"] = ["An SMTP password needs a user."];
        else if (!string.IsNullOrEmpty(request.SmtpPassword) && !vaultConfigured) errors["smtpPassword"] = [$"SMTP password: {ChannelSecrets.VaultRequired}."];

        if (!MailboxAddress.TryParse(request.From?.Trim() ?? "", out var from) || from.Address.IndexOf('@') < 1)
            errors["from"] = ["From must be an e-mail address (name@example.com or \"Name <name@example.com>\")."];
        else channel.From = from.ToString();

        var to = (request.To ?? []).Select(t => t?.Trim() ?? "").ToList();
        if (to.Count == 0) errors["to"] = ["Add at least one recipient."];
        else if (to.Count > MaxRecipients) errors["to"] = [$"At most {MaxRecipients} recipients."];
        var parsed = new List<string>();
        for (var i = 0; i < to.Count; i++)
        {
            if (MailboxAddress.TryParse(to[i], out var mailbox) && mailbox.Address.IndexOf('@') >= 1) parsed.Add(mailbox.ToString());
            else errors[$"to[{i}]"] = [$"'{to[i]}' is not an e-mail address."];
        }
        channel.To = parsed;
        channel.TargetHint = $"{host}:{port} → {string.Join(", ", parsed.Take(3))}{(parsed.Count > 3 ? $" +{parsed.Count - 3}" : "")}";
    }

    internal static bool IsHttpUrl(string? text, out Uri url)
    {
        url = null!;
        return Uri.TryCreate(text?.Trim(), UriKind.Absolute, out url!) && url.Scheme is "http" or "https" && url.Host.Length > 0;
    }
}
