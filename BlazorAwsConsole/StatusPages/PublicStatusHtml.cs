using System.Globalization;
using System.Net;
using System.Text;

namespace BlazorAwsConsole.StatusPages;

/// <summary>
/// The public status page as one server-rendered HTML document: readable without JavaScript, light or dark after the
/// visitor's system setting, with a small script (/status-page.js) that refreshes it from /status/{slug}/api.
/// </summary>
public static class PublicStatusHtml
{
    public static string Render(PublicStatusView view, int refreshSeconds, bool emailSubscriptions)
    {
        var slug = H(view.Slug);
        var html = new StringBuilder(32 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append("<title>").Append(H(view.Title)).Append(" status</title>\n")
            .Append("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Incidents\" href=\"/status/").Append(slug).Append("/feed.atom\">\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n")
            .Append("<body data-api=\"/status/").Append(slug).Append("/api\" data-version=\"").Append(H(view.Version))
            .Append("\" data-refresh=\"").Append(refreshSeconds).Append("\">\n<header>\n");
        if (view.LogoUrl is { } logo) html.Append("<img class=\"logo\" src=\"").Append(H(logo)).Append("\" alt=\"\" height=\"48\">\n");
        html.Append("<h1>").Append(H(view.Title)).Append("</h1>\n");
        if (view.DescriptionHtml.Length > 0) html.Append("<div class=\"description\">").Append(view.DescriptionHtml).Append("</div>\n");
        if (!view.Published) html.Append("<p class=\"private\" data-testid=\"private-notice\">Private: only signed-in users see this page until an Admin publishes it.</p>\n");
        html.Append("</header>\n<main>\n");

        html.Append("<p id=\"overall\" class=\"overall s-").Append(StatusNames.Of(view.Overall)).Append("\" data-state=\"").Append(StatusNames.Of(view.Overall)).Append("\">")
            .Append(OverallText(view.Overall)).Append("</p>\n");

        html.Append("<section aria-labelledby=\"open-h\">\n<h2 id=\"open-h\">Current incidents</h2>\n<div id=\"open-incidents\">\n");
        var open = view.OpenIncidents.ToList();
        if (open.Count == 0) html.Append("<p>No incidents right now.</p>\n");
        foreach (var incident in open) Incident(html, incident);
        html.Append("</div>\n</section>\n");

        if (view.Maintenance.Count > 0)
        {
            html.Append("<section aria-labelledby=\"maintenance-h\">\n<h2 id=\"maintenance-h\">Scheduled maintenance</h2>\n");
            foreach (var m in view.Maintenance)
            {
                html.Append("<article class=\"incident maintenance\" data-testid=\"maintenance\">\n<h3>").Append(H(m.Title)).Append("</h3>\n<p class=\"meta\">")
                    .Append(m.InProgress ? "In progress" : "Scheduled").Append(" · ").Append(Time(m.StartsAt)).Append(" to ").Append(Time(m.EndsAt));
                html.Append(" · affects: ").Append(H(string.Join(", ", m.Components))).Append("</p>\n</article>\n");
            }
            html.Append("</section>\n");
        }

        html.Append("<section aria-labelledby=\"components-h\">\n<h2 id=\"components-h\">Components</h2>\n");
        foreach (var group in view.Components.GroupBy(c => c.Group))
        {
            if (group.Key.Length > 0) html.Append("<h3>").Append(H(group.Key)).Append("</h3>\n");
            html.Append("<ul class=\"components\">\n");
            foreach (var component in group) Component(html, component);
            html.Append("</ul>\n");
        }
        html.Append("</section>\n");

        html.Append("<section aria-labelledby=\"past-h\">\n<h2 id=\"past-h\">Past incidents (").Append(PublicStatusView.HistoryDays).Append(" days)</h2>\n");
        var past = view.Incidents.Where(i => i.Status == IncidentStatus.Resolved).ToList();
        if (past.Count == 0) html.Append("<p>No incidents in the last ").Append(PublicStatusView.HistoryDays).Append(" days.</p>\n");
        foreach (var incident in past) Incident(html, incident);
        html.Append("</section>\n");
        // Private pages take no subscriptions: their visitors are signed-in staff, who have the console's own channels.
        if (view.Published) Subscriptions.SubscriptionHtml.Forms(html, view.Slug, emailSubscriptions);
        html.Append("</main>\n<footer>\n<p><a href=\"/status/").Append(slug).Append("/feed.atom\">Incident feed (Atom)</a> · ")
            .Append("<a href=\"/status/").Append(slug).Append("/api\">JSON</a> · as of ").Append(Time(view.GeneratedAt)).Append("</p>\n</footer>\n")
            .Append("<script src=\"/status-page.js\" defer></script>\n</body>\n</html>\n");
        return html.ToString();
    }

    public static string OverallText(ComponentState state) => state switch
    {
        ComponentState.Operational => "All systems operational",
        ComponentState.Degraded => "Some systems are degraded",
        ComponentState.PartialOutage => "Partial outage",
        ComponentState.MajorOutage => "Major outage",
        _ => "Maintenance in progress",
    };

    private static void Component(StringBuilder html, PublicComponent component)
    {
        var state = StatusNames.Of(component.State);
        html.Append("<li class=\"component\" data-component=\"").Append(H(component.UrlName)).Append("\">\n<div class=\"row\"><span class=\"name\">")
            .Append(H(component.Name)).Append("</span> <span class=\"state s-").Append(state).Append("\" data-state=\"").Append(state).Append("\">")
            .Append(StatusNames.Label(component.State)).Append("</span></div>\n");
        if (component.Manual is { } manual)
        {
            html.Append("<p class=\"manual\">Set by hand until ").Append(Time(manual.Until));
            if (manual.Note is { } note) html.Append(": ").Append(H(note));
            html.Append("</p>\n");
        }
        html.Append("<ol class=\"bar\" aria-label=\"").Append(H(component.Name)).Append(", the last ").Append(PublicStatusView.HistoryDays).Append(" days\">");
        foreach (var day in component.Days)
        {
            var label = day.Worst is { } worst
                ? $"{day.Day:yyyy-MM-dd}: {StatusNames.Label(worst).ToLowerInvariant()}, {day.UptimePercent!.Value.ToString("0.##", CultureInfo.InvariantCulture)}% up"
                : $"{day.Day:yyyy-MM-dd}: no data";
            html.Append("<li class=\"d-").Append(day.Worst is { } w ? StatusNames.Of(w) : "none").Append("\" title=\"").Append(label)
                .Append("\"><span role=\"img\" aria-label=\"").Append(label).Append("\"></span></li>");
        }
        html.Append("</ol>\n<p class=\"uptime\">");
        html.Append(component.Uptime30Days is { } uptime ? $"{uptime.ToString("0.##", CultureInfo.InvariantCulture)}% uptime over 30 days" : "No uptime figure yet");
        html.Append("</p>\n</li>\n");
    }

    private static void Incident(StringBuilder html, PublicIncident incident)
    {
        html.Append("<article class=\"incident\" id=\"incident-").Append(incident.Id).Append("\" aria-labelledby=\"incident-").Append(incident.Id).Append("-title\">\n")
            .Append("<h3 id=\"incident-").Append(incident.Id).Append("-title\">").Append(H(incident.Title)).Append("</h3>\n<p class=\"meta\">")
            .Append(Capitalised(StatusNames.Of(incident.Status))).Append(" · impact: ").Append(StatusNames.Of(incident.Impact));
        if (incident.Components.Count > 0) html.Append(" · affects: ").Append(H(string.Join(", ", incident.Components)));
        html.Append(" · opened ").Append(Time(incident.CreatedAt));
        if (incident.ResolvedAt is { } resolved) html.Append(" · resolved ").Append(Time(resolved));
        html.Append("</p>\n<ol class=\"updates\">\n");
        foreach (var update in incident.Updates)
        {
            html.Append("<li><p><strong>").Append(Capitalised(StatusNames.Of(update.Status))).Append("</strong> ").Append(Time(update.At)).Append("</p>")
                .Append("<div class=\"message\">").Append(update.Html).Append("</div></li>\n");
        }
        html.Append("</ol>\n</article>\n");
    }

    private static string Time(DateTime utc) =>
        $"<time datetime=\"{utc:yyyy-MM-ddTHH:mm:ssZ}\">{utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</time>";

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string H(string text) => WebUtility.HtmlEncode(text);

    // Colours chosen for at least 4.5:1 against their background in both schemes (axe, WCAG 2.1 AA).
    internal const string Css = """
        :root{--bg:#ffffff;--fg:#1b1b1b;--muted:#4a4a4a;--line:#d0d0d0;--card:#f6f6f6;--link:#0b57d0;
        --operational:#1b6e20;--degraded:#7a4f00;--partial_outage:#a33f00;--major_outage:#b00020;--maintenance:#1f5fad;--none:#c8c8c8}
        @media (prefers-color-scheme: dark){:root{--bg:#121212;--fg:#ececec;--muted:#c4c4c4;--line:#3a3a3a;--card:#1e1e1e;--link:#8ab4f8;
        --operational:#7bd88f;--degraded:#ffc95c;--partial_outage:#ffa06b;--major_outage:#ff8a8a;--maintenance:#8ab8ff;--none:#4a4a4a}}
        *{box-sizing:border-box}body{margin:0 auto;max-width:60rem;padding:1rem;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,sans-serif}
        a{color:var(--link)}h1{margin:.2rem 0}.logo{display:block}.private{border:2px dashed var(--muted);padding:.5rem}
        .overall{font-size:1.2rem;font-weight:600;padding:.8rem 1rem;border-left:.5rem solid var(--operational);background:var(--card)}
        .overall.s-degraded{border-color:var(--degraded)}.overall.s-partial_outage{border-color:var(--partial_outage)}
        .overall.s-major_outage{border-color:var(--major_outage)}.overall.s-maintenance{border-color:var(--maintenance)}
        .components{list-style:none;padding:0}.component{border:1px solid var(--line);background:var(--card);padding:.6rem .8rem;margin:.4rem 0}
        .row{display:flex;justify-content:space-between;gap:1rem}.name{font-weight:600}.state{font-weight:600}
        .s-operational .state,.state.s-operational{color:var(--operational)}.state.s-degraded{color:var(--degraded)}
        .state.s-partial_outage{color:var(--partial_outage)}.state.s-major_outage{color:var(--major_outage)}.state.s-maintenance{color:var(--maintenance)}
        .manual,.uptime,.meta{color:var(--muted);margin:.2rem 0}
        .bar{display:flex;gap:2px;list-style:none;padding:0;margin:.4rem 0;height:1.6rem}.bar li{flex:1;min-width:2px;background:var(--none)}
        .bar li span{display:block;height:100%}.d-operational{background:var(--operational)!important}.d-degraded{background:var(--degraded)!important}
        .d-partial_outage{background:var(--partial_outage)!important}.d-major_outage{background:var(--major_outage)!important}
        .d-maintenance{background:var(--maintenance)!important}
        .incident{border:1px solid var(--line);background:var(--card);padding:.6rem .8rem;margin:.6rem 0}.incident h3{margin:.2rem 0}
        .updates{list-style:none;padding:0}.updates p{margin:.2rem 0}footer{color:var(--muted);margin-top:2rem}
        .subscribe{margin:.8rem 0;display:flex;flex-direction:column;gap:.3rem;max-width:32rem}.subscribe label{font-weight:600}
        .subscribe input{font:inherit;padding:.4rem;border:1px solid var(--muted);background:var(--bg);color:var(--fg)}
        .subscribe button{font:inherit;align-self:flex-start;padding:.4rem .9rem;border:1px solid var(--link);background:var(--card);color:var(--fg);cursor:pointer}
        .hint{color:var(--muted);margin:0}.error{color:var(--major_outage);font-weight:600;margin:0}
        :focus-visible{outline:3px solid var(--link);outline-offset:2px}
        """;
}
