using System.Text.RegularExpressions;

namespace BlazorAwsConsole.StatusPages;

/// <summary>Checks a page's and an incident's input field by field; the API answers 400 naming each field, and nothing is stored.</summary>
public static partial class StatusPageValidator
{
    public const int MaxComponents = 200;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^i-[0-9a-f]{8,17}$")]
    private static partial Regex InstanceIdPattern();

    /// <summary>Applies the input to the page (new or loaded); returns the errors (none: the page holds the input).</summary>
    public static Dictionary<string, string[]> Apply(StatusPageInput input, StatusPage page, bool isNew, ISet<int> knownTests, ISet<string> takenSlugs)
    {
        var errors = new Dictionary<string, string[]>();
        if (isNew || input.Slug is not null)
        {
            var slug = input.Slug?.Trim() ?? "";
            if (!SlugPattern().IsMatch(slug)) errors["slug"] = ["Slug is required: 1 to 64 lower-case letters, digits and hyphens, not starting or ending with a hyphen."];
            else if (takenSlugs.Contains(slug)) errors["slug"] = [$"Another status page already has the slug '{slug}'."];
            else page.Slug = slug;
        }
        if (isNew || input.Title is not null)
        {
            if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Trim().Length > 100) errors["title"] = ["Title is required (at most 100 characters)."];
            else page.Title = input.Title.Trim();
        }
        if (input.Description is not null)
        {
            if (input.Description.Length > 4000) errors["description"] = ["Description is at most 4000 characters."];
            else page.Description = input.Description.Trim() is { Length: > 0 } text ? text : null;
        }
        if (input.LogoUrl is not null)
        {
            var logo = input.LogoUrl.Trim();
            if (logo.Length == 0) page.LogoUrl = null;
            else if (logo.Length > 2048 || !IsLogoUrl(logo)) errors["logoUrl"] = ["Logo URL must be an absolute http(s) URL or a path on this console (/...)."];
            else page.LogoUrl = logo;
        }
        if (input.Published is { } published) page.Published = published;
        if (input.Components is { } components) ApplyComponents(components, page, knownTests, errors);
        return errors;
    }

    private static bool IsLogoUrl(string url) =>
        (url.StartsWith('/') && !url.StartsWith("//") && !url.Contains('\\'))
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp));

    private static void ApplyComponents(List<ComponentInput> inputs, StatusPage page, ISet<int> knownTests, Dictionary<string, string[]> errors)
    {
        if (inputs.Count > MaxComponents)
        {
            errors["components"] = [$"A page holds at most {MaxComponents} components."];
            return;
        }
        var kept = new List<StatusComponent>();
        var urlNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var field = $"components[{i}]";
            if (input is null)
            {
                errors[field] = ["A component (JSON object) is required."];
                continue;
            }
            StatusComponent? component = null;
            if (input.Id is { } id && (component = page.Components.FirstOrDefault(c => c.Id == id)) is null)
            {
                errors[$"{field}.id"] = [$"This page has no component {id}; leave the id out to add one."];
                continue;
            }
            var name = input.Name?.Trim() ?? component?.Name ?? "";
            if (name.Length is 0 or > 100) errors[$"{field}.name"] = ["Name is required (at most 100 characters)."];
            else if (!urlNames.Add(StatusComponent.UrlNameOf(name))) errors[$"{field}.name"] = [$"Another component of this page is already called '{name}'."];
            var group = input.Group?.Trim() ?? component?.Group ?? "";
            if (group.Length > 100) errors[$"{field}.group"] = ["Group is at most 100 characters."];
            var tests = input.TestIds ?? component?.TestIds ?? [];
            if ((input.TestIds ?? []).Where(t => !knownTests.Contains(t)).ToList() is { Count: > 0 } unknown) errors[$"{field}.testIds"] = [$"No synthetic test {string.Join(", ", unknown)}."];
            var instances = (input.InstanceIds ?? component?.InstanceIds ?? []).Select(s => s?.Trim() ?? "").ToList();
            if (instances.Where(s => !InstanceIdPattern().IsMatch(s)).ToList() is { Count: > 0 } bad) errors[$"{field}.instanceIds"] = [$"Not an instance id: {string.Join(", ", bad)} (i-0123abcd…)."];
            var tag = input.InstanceTag is null ? component?.InstanceTag : input.InstanceTag.Trim() is { Length: > 0 } t ? t : null;
            if (tag is not null && (tag.IndexOf('=') <= 0 || tag.Length > 300)) errors[$"{field}.instanceTag"] = ["Tag must be key=value (or key= for any value)."];
            if (tests.Count == 0 && instances.Count == 0 && tag is null) errors[$"{field}.testIds"] = ["Name the synthetic tests, instance ids or an instance tag the component stands for."];
            component ??= new StatusComponent { Name = name };
            component.Name = name;
            component.Group = group;
            component.TestIds = tests.Distinct().ToList();
            component.InstanceIds = instances.Distinct().ToList();
            component.InstanceTag = tag;
            component.Position = i;
            kept.Add(component);
        }
        if (errors.Count == 0) page.Components = kept;
    }

    public static Dictionary<string, string[]> CheckIncident(IncidentInput input, ISet<int> pageComponents)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Trim().Length > 200) errors["title"] = ["Title is required (at most 200 characters)."];
        if (StatusNames.ParseImpact(input.Impact) is null) errors["impact"] = ["Impact must be none, minor, major or critical."];
        if (input.Status is not null && StatusNames.ParseStatus(input.Status) is null) errors["status"] = ["Status must be investigating, identified, monitoring or resolved."];
        CheckMessage(input.Message, errors);
        if ((input.ComponentIds ?? []).Where(c => !pageComponents.Contains(c)).ToList() is { Count: > 0 } unknown)
            errors["componentIds"] = [$"This page has no component {string.Join(", ", unknown)}."];
        return errors;
    }

    public static Dictionary<string, string[]> CheckUpdate(IncidentUpdateInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (StatusNames.ParseStatus(input.Status) is null) errors["status"] = ["Status must be investigating, identified, monitoring or resolved."];
        CheckMessage(input.Message, errors);
        return errors;
    }

    public static Dictionary<string, string[]> CheckManual(ManualStateInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (StatusNames.ParseState(input.State) is null) errors["state"] = ["State must be operational, degraded, partial_outage, major_outage or maintenance."];
        if (input.Minutes is not (>= 1 and <= 10_080)) errors["minutes"] = ["Minutes must be between 1 and 10080 (a week)."];
        if (input.Note is { Length: > 500 }) errors["note"] = ["Note is at most 500 characters."];
        return errors;
    }

    private static void CheckMessage(string? message, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(message) || message.Length > 10_000) errors["message"] = ["Message is required (Markdown, at most 10000 characters)."];
    }
}
