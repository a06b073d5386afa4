namespace BlazorAwsConsole.StatusPages;

/// <summary>
/// A status page: what the people outside the NOC see at /status/{slug}. Private (signed-in users only) until an
/// Admin publishes it; it shows nothing but what was put on it (its components' display names and states, incidents).
/// </summary>
public sealed class StatusPage
{
    public int Id { get; set; }
    /// <summary>Lower-case letters, digits and hyphens: the page lives at /status/{slug}.</summary>
    public required string Slug { get; set; }
    public required string Title { get; set; }
    /// <summary>An absolute http(s) URL or a path on this console; shown at the top of the page.</summary>
    public string? LogoUrl { get; set; }
    /// <summary>Optional Markdown shown under the title (rendered and sanitised like incident messages).</summary>
    public string? Description { get; set; }
    public bool Published { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<StatusComponent> Components { get; set; } = [];
}

/// <summary>One line on a status page: one or more synthetic tests and/or instances (by id or by a tag), under a display name.</summary>
public sealed class StatusComponent
{
    public int Id { get; set; }
    public int PageId { get; set; }
    /// <summary>The only thing about its members the public sees.</summary>
    public required string Name { get; set; }
    /// <summary>Components with the same group are shown together ("" : no group).</summary>
    public string Group { get; set; } = "";
    public int Position { get; set; }
    public List<int> TestIds { get; set; } = [];
    public List<string> InstanceIds { get; set; } = [];
    /// <summary>"key=value" (or "key=" for any value): every instance with this tag is a member.</summary>
    public string? InstanceTag { get; set; }
    /// <summary>A state set by hand, shown instead of the derived one until <see cref="ManualUntil"/>.</summary>
    public ComponentState? ManualState { get; set; }
    public DateTime? ManualUntil { get; set; }
    public string? ManualNote { get; set; }
    public string? ManualBy { get; set; }

    /// <summary>"Public API" → "public-api": the component's name in badge URLs.</summary>
    public string UrlName => UrlNameOf(Name);

    public static string UrlNameOf(string name) => string.Join('-', name.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

public enum ComponentState
{
    Operational,
    Degraded,
    PartialOutage,
    MajorOutage,
    Maintenance,
}

public enum IncidentImpact
{
    None,
    Minor,
    Major,
    Critical,
}

public enum IncidentStatus
{
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

/// <summary>An incident on a page: what people are told, with its updates (the first is the opening message).</summary>
public sealed class Incident
{
    public int Id { get; set; }
    public int PageId { get; set; }
    public required string Title { get; set; }
    public IncidentImpact Impact { get; set; }
    public IncidentStatus Status { get; set; }
    public List<int> ComponentIds { get; set; } = [];
    /// <summary>The alert it was opened from, if any (not shown on the public page).</summary>
    public long? AlertId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public List<IncidentUpdate> Updates { get; set; } = [];
}

public sealed class IncidentUpdate
{
    public long Id { get; set; }
    public int IncidentId { get; set; }
    public IncidentStatus Status { get; set; }
    /// <summary>Markdown as written; rendered through <see cref="IncidentMarkdown"/> wherever it is shown.</summary>
    public required string Message { get; set; }
    public DateTime At { get; set; }
    public string Author { get; set; } = "";
}

/// <summary>The names the API and the public JSON use for states, impacts and statuses.</summary>
public static class StatusNames
{
    public static string Of(ComponentState state) => state switch
    {
        ComponentState.Operational => "operational",
        ComponentState.Degraded => "degraded",
        ComponentState.PartialOutage => "partial_outage",
        ComponentState.MajorOutage => "major_outage",
        _ => "maintenance",
    };

    public static string Label(ComponentState state) => state switch
    {
        ComponentState.Operational => "Operational",
        ComponentState.Degraded => "Degraded performance",
        ComponentState.PartialOutage => "Partial outage",
        ComponentState.MajorOutage => "Major outage",
        _ => "Under maintenance",
    };

    public static readonly string[] States = ["operational", "degraded", "partial_outage", "major_outage", "maintenance"];

    public static ComponentState? ParseState(string? text) =>
        Array.IndexOf(States, text?.Trim().ToLowerInvariant()) is var i and >= 0 ? (ComponentState)i : null;

    public static string Of(IncidentImpact impact) => impact.ToString().ToLowerInvariant();

    public static string Of(IncidentStatus status) => status.ToString().ToLowerInvariant();

    public static IncidentImpact? ParseImpact(string? text) =>
        Enum.TryParse<IncidentImpact>(text, true, out var v) && !int.TryParse(text, out _) ? v : null;

    public static IncidentStatus? ParseStatus(string? text) =>
        Enum.TryParse<IncidentStatus>(text, true, out var v) && !int.TryParse(text, out _) ? v : null;
}
