using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;

namespace BlazorAwsConsole.StatusPages;

/// <summary>The public page's other forms: its JSON, its incidents as Atom, and an SVG badge per component.</summary>
public static class StatusFeeds
{
    public static object Json(PublicStatusView view) => new
    {
        title = view.Title,
        slug = view.Slug,
        version = view.Version,
        updatedAt = view.GeneratedAt,
        state = StatusNames.Of(view.Overall),
        summary = PublicStatusHtml.OverallText(view.Overall),
        components = view.Components.Select(c => new
        {
            name = c.Name,
            group = c.Group,
            slug = c.UrlName,
            state = StatusNames.Of(c.State),
            label = StatusNames.Label(c.State),
            manual = c.Manual is { } m ? new { until = m.Until, note = m.Note } : null,
            uptime30d = c.Uptime30Days,
        }),
        incidents = view.OpenIncidents.Select(Incident),
        maintenance = view.Maintenance.Select(m => new
        {
            title = m.Title,
            startsAt = m.StartsAt,
            endsAt = m.EndsAt,
            inProgress = m.InProgress,
            components = m.Components,
        }),
        recentIncidents = view.Incidents.Where(i => i.Status == IncidentStatus.Resolved).Select(Incident),
    };

    private static object Incident(PublicIncident i) => new
    {
        id = i.Id,
        title = i.Title,
        impact = StatusNames.Of(i.Impact),
        status = StatusNames.Of(i.Status),
        createdAt = i.CreatedAt,
        updatedAt = i.UpdatedAt,
        resolvedAt = i.ResolvedAt,
        components = i.Components,
        updates = i.Updates.Select(u => new { status = StatusNames.Of(u.Status), at = u.At, html = u.Html }),
    };

    public static string Atom(PublicStatusView view, string origin)
    {
        var pageUrl = $"{origin}/status/{Uri.EscapeDataString(view.Slug)}";
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false }))
        {
            const string ns = "http://www.w3.org/2005/Atom";
            xml.WriteStartElement("feed", ns);
            xml.WriteElementString("title", ns, $"{view.Title}: incidents");
            xml.WriteElementString("id", ns, pageUrl);
            xml.WriteElementString("updated", ns, Stamp(view.Incidents.Select(i => i.UpdatedAt).DefaultIfEmpty(view.GeneratedAt).Max()));
            Link(xml, ns, "self", pageUrl + "/feed.atom");
            Link(xml, ns, "alternate", pageUrl);
            xml.WriteStartElement("author", ns);
            xml.WriteElementString("name", ns, view.Title);
            xml.WriteEndElement();
            foreach (var incident in view.Incidents)
            {
                xml.WriteStartElement("entry", ns);
                xml.WriteElementString("id", ns, $"{pageUrl}#incident-{incident.Id}");
                xml.WriteElementString("title", ns, $"{incident.Title} ({StatusNames.Of(incident.Status)})");
                xml.WriteElementString("published", ns, Stamp(incident.CreatedAt));
                xml.WriteElementString("updated", ns, Stamp(incident.UpdatedAt));
                Link(xml, ns, "alternate", $"{pageUrl}#incident-{incident.Id}");
                xml.WriteStartElement("content", ns);
                xml.WriteAttributeString("type", "html");
                xml.WriteString(string.Concat(incident.Updates.Select(u =>
                    $"<p><strong>{StatusNames.Of(u.Status)}</strong> {u.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</p>{u.Html}")));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        // XmlWriter over a StringBuilder declares UTF-16; the response is UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"");
    }

    private static void Link(XmlWriter xml, string ns, string rel, string href)
    {
        xml.WriteStartElement("link", ns);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>A flat badge: the component's name, its state and its 30-day uptime.</summary>
    public static string Badge(PublicComponent component)
    {
        var left = component.Name;
        var right = StatusNames.Label(component.State) + (component.Uptime30Days is { } up ? $" · {up.ToString("0.##", CultureInfo.InvariantCulture)}%" : "");
        var colour = component.State switch
        {
            ComponentState.Operational => "#1b6e20",
            ComponentState.Degraded => "#7a4f00",
            ComponentState.PartialOutage => "#a33f00",
            ComponentState.MajorOutage => "#b00020",
            _ => "#1f5fad",
        };
        int leftWidth = 12 + 7 * left.Length, rightWidth = 12 + 7 * right.Length, width = leftWidth + rightWidth;
        string l = WebUtility.HtmlEncode(left), r = WebUtility.HtmlEncode(right);
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{l}: {r}">
            <title>{l}: {r}</title>
            <rect width="{leftWidth}" height="20" fill="#444"/><rect x="{leftWidth}" width="{rightWidth}" height="20" fill="{colour}"/>
            <g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
            <text x="{leftWidth / 2}" y="14">{l}</text><text x="{leftWidth + rightWidth / 2}" y="14">{r}</text>
            </g>
            </svg>
            """;
    }
}
