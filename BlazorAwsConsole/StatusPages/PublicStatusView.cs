namespace BlazorAwsConsole.StatusPages;

/// <summary>
/// Everything a public status page shows, and nothing else: built once per change (<see cref="StatusViewCache"/>)
/// and rendered as HTML, JSON, Atom and badges. No target, address, instance id or test name is in here
/// unless someone typed it as a display name or into an incident.
/// </summary>
public sealed record PublicStatusView(
    string Slug,
    string Title,
    string? LogoUrl,
    string DescriptionHtml,
    bool Published,
    DateTime GeneratedAt,
    IReadOnlyList<PublicComponent> Components,
    IReadOnlyList<PublicIncident> Incidents,
    IReadOnlyList<PublicMaintenance> Maintenance)
{
    public const int HistoryDays = 90;

    /// <summary>The worst state among the components (operational for a page without components).</summary>
    public ComponentState Overall
    {
        get
        {
            var worst = Components.Select(c => c.State).Where(s => s != ComponentState.Maintenance).DefaultIfEmpty(ComponentState.Operational).Max();
            return worst == ComponentState.Operational && Components.Any(c => c.State == ComponentState.Maintenance) ? ComponentState.Maintenance : worst;
        }
    }

    public IEnumerable<PublicIncident> OpenIncidents => Incidents.Where(i => i.Status != IncidentStatus.Resolved);

    /// <summary>Changes whenever anything shown changes: the script compares it before redrawing.</summary>
    public string Version { get; init; } = "";
}

public sealed record PublicComponent(
    string Name,
    string Group,
    string UrlName,
    ComponentState State,
    PublicManualState? Manual,
    IReadOnlyList<HistoryDay> Days,
    double? Uptime30Days);

public sealed record PublicManualState(DateTime Until, string? Note);

/// <summary>One cell of the 90-day bar: the day's worst hourly state and its uptime, or no data.</summary>
public sealed record HistoryDay(DateOnly Day, ComponentState? Worst, double? UptimePercent);

public sealed record PublicIncident(int Id, string Title, IncidentImpact Impact, IncidentStatus Status, DateTime CreatedAt, DateTime UpdatedAt,
    DateTime? ResolvedAt, IReadOnlyList<string> Components, IReadOnlyList<PublicIncidentUpdate> Updates);

/// <summary>
/// A maintenance window that covers some of the page's components, current or upcoming: its name, its times and the
/// display names of the components it covers; never its rules, instance ids or tags.
/// </summary>
public sealed record PublicMaintenance(string Title, DateTime StartsAt, DateTime EndsAt, bool InProgress, IReadOnlyList<string> Components);

public sealed record PublicIncidentUpdate(IncidentStatus Status, DateTime At, string Html);
