using Ganss.Xss;
using Markdig;

namespace BlazorAwsConsole.StatusPages;

/// <summary>
/// Markdown written by operators (incident updates, a page's text) to HTML that is safe to put on a public page:
/// Markdig with raw HTML disabled, then HtmlSanitizer's allow-list (no scripts, event handlers or javascript: links).
/// </summary>
public sealed class IncidentMarkdown
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().UseEmphasisExtras().Build();
    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string ToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : _sanitizer.Sanitize(Markdown.ToHtml(markdown, _pipeline));

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        foreach (var scheme in new[] { "http", "https", "mailto" }) sanitizer.AllowedSchemes.Add(scheme);
        // Pictures and styles could track visitors or hide text; a status message needs neither.
        sanitizer.AllowedTags.Remove("img");
        sanitizer.AllowedTags.Remove("style");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedAttributes.Remove("class");
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link) link.SetAttribute("rel", "nofollow noopener");
        };
        return sanitizer;
    }
}
