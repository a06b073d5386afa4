namespace BlazorAwsConsole.StatusPages;

/// <summary>A page as the API takes it; on PUT, fields left out (null) keep their values.</summary>
public sealed record StatusPageInput(string? Slug, string? Title, bool? Published, string? Description, string? LogoUrl, List<ComponentInput>? Components);

/// <summary>A component as the API takes it; with an id it edits that component, without one it adds a new one.</summary>
public sealed record ComponentInput(int? Id, string? Name, string? Group, List<int>? TestIds, List<string>? InstanceIds, string? InstanceTag);

public sealed record StatusPageDto(int Id, string Slug, string Title, bool Published, string? Description, string? LogoUrl,
    List<ComponentDto> Components, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static StatusPageDto From(StatusPage page, IReadOnlyDictionary<int, ComponentState>? states = null) => new(page.Id, page.Slug, page.Title,
        page.Published, page.Description, page.LogoUrl,
        page.Components.OrderBy(c => c.Position).Select(c => ComponentDto.From(c, states?.GetValueOrDefault(c.Id))).ToList(),
        Utc(page.CreatedAt), Utc(page.UpdatedAt));

    internal static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);
}

public sealed record ComponentDto(int Id, string Name, string Group, List<int> TestIds, List<string> InstanceIds, string? InstanceTag,
    string? State, string? ManualState, DateTime? ManualUntil, string? ManualNote)
{
    public static ComponentDto From(StatusComponent c, ComponentState? state) => new(c.Id, c.Name, c.Group, c.TestIds, c.InstanceIds, c.InstanceTag,
        state is { } s ? StatusNames.Of(s) : null, c.ManualState is { } m ? StatusNames.Of(m) : null,
        c.ManualUntil is { } until ? StatusPageDto.Utc(until) : null, c.ManualNote);
}

public sealed record IncidentInput(string? Title, string? Impact, string? Status, string? Message, List<int>? ComponentIds, long? AlertId = null);

public sealed record IncidentUpdateInput(string? Status, string? Message);

/// <summary>A state set by hand for a while: "major_outage for 120 minutes: investigating".</summary>
public sealed record ManualStateInput(string? State, int? Minutes, string? Note);

public sealed record IncidentDto(int Id, int PageId, string Title, string Impact, string Status, List<int> ComponentIds, long? AlertId,
    DateTime CreatedAt, DateTime? ResolvedAt, List<IncidentUpdateDto> Updates)
{
    public static IncidentDto From(Incident i) => new(i.Id, i.PageId, i.Title, StatusNames.Of(i.Impact), StatusNames.Of(i.Status), i.ComponentIds, i.AlertId,
        StatusPageDto.Utc(i.CreatedAt), i.ResolvedAt is { } r ? StatusPageDto.Utc(r) : null,
        i.Updates.OrderByDescending(u => u.At).ThenByDescending(u => u.Id).Select(IncidentUpdateDto.From).ToList());
}

public sealed record IncidentUpdateDto(long Id, string Status, string Message, DateTime At, string Author)
{
    public static IncidentUpdateDto From(IncidentUpdate u) => new(u.Id, StatusNames.Of(u.Status), u.Message, StatusPageDto.Utc(u.At), u.Author);
}
