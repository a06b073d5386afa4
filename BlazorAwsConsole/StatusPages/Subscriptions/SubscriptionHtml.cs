using System.Net;
using System.Text;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>
/// The subscription forms on the public page and the small pages that answer them: plain HTML forms that work without
/// JavaScript, each field with its label, hint and (after a refused post) its error, tied by aria-describedby.
/// </summary>
public static class SubscriptionHtml
{
    public static void Forms(StringBuilder html, string slug, bool emailEnabled, IReadOnlyDictionary<string, string[]>? errors = null,
        string? email = null, string? url = null)
    {
        var s = H(slug);
        html.Append("<section aria-labelledby=\"subscribe-h\" id=\"subscribe\">\n<h2 id=\"subscribe-h\">Get notified of incidents</h2>\n");
        if (emailEnabled)
        {
            html.Append("<form method=\"post\" action=\"/status/").Append(s).Append("/subscribe\" class=\"subscribe\">\n");
            Field(html, "email", "email", "E-mail address", "email", email,
                "We send a confirmation link first; nothing else comes until you follow it. Every mail has an unsubscribe link.", errors);
            html.Append("<button type=\"submit\">Subscribe by e-mail</button>\n</form>\n");
        }
        html.Append("<form method=\"post\" action=\"/status/").Append(s).Append("/subscribe/webhook\" class=\"subscribe\">\n");
        Field(html, "url", "url", "Webhook URL", "url", url,
            "Each incident update is posted as JSON to this URL, with an unsubscribeUrl in the body.", errors);
        html.Append("<button type=\"submit\">Subscribe a webhook</button>\n</form>\n</section>\n");
    }

    private static void Field(StringBuilder html, string name, string type, string label, string autocomplete, string? value, string hint,
        IReadOnlyDictionary<string, string[]>? errors)
    {
        var id = "subscribe-" + name;
        var error = errors?.GetValueOrDefault(name) is { Length: > 0 } messages ? string.Join(" ", messages) : null;
        html.Append("<label for=\"").Append(id).Append("\">").Append(label).Append("</label>\n")
            .Append("<input id=\"").Append(id).Append("\" name=\"").Append(name).Append("\" type=\"").Append(type)
            .Append("\" required autocomplete=\"").Append(autocomplete).Append("\" maxlength=\"2048\" aria-describedby=\"").Append(id).Append("-hint");
        if (error is not null) html.Append(' ').Append(id).Append("-error\" aria-invalid=\"true");
        html.Append("\" value=\"").Append(H(value ?? "")).Append("\">\n")
            .Append("<p class=\"hint\" id=\"").Append(id).Append("-hint\">").Append(H(hint)).Append("</p>\n");
        if (error is not null) html.Append("<p class=\"error\" id=\"").Append(id).Append("-error\" data-testid=\"").Append(name).Append("-error\">").Append(H(error)).Append("</p>\n");
    }

    /// <summary>A small page of the status page's look: a heading, a paragraph and optionally a form or a link back.</summary>
    public static string Page(string slug, string heading, string text, Action<StringBuilder>? more = null)
    {
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"robots\" content=\"noindex\">\n<title>").Append(H(heading)).Append("</title>\n")
            .Append("<style>").Append(PublicStatusHtml.Css).Append("</style>\n</head>\n<body>\n<main>\n<h1>").Append(H(heading)).Append("</h1>\n<p data-testid=\"answer\">")
            .Append(H(text)).Append("</p>\n");
        more?.Invoke(html);
        html.Append("<p><a href=\"/status/").Append(H(slug)).Append("\">Back to the status page</a></p>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A one-button form that posts the token back (a link in a mail only shows it, so mail scanners that open links change nothing).</summary>
    public static Action<StringBuilder> TokenForm(string action, string token, string button) => html => html
        .Append("<form method=\"post\" action=\"").Append(H(action)).Append("\">\n<input type=\"hidden\" name=\"token\" value=\"").Append(H(token)).Append("\">\n")
        .Append("<button type=\"submit\">").Append(H(button)).Append("</button>\n</form>\n");

    private static string H(string text) => WebUtility.HtmlEncode(text);
}
