using BlazorAwsConsole.Secrets;

namespace BlazorAwsConsole.ProbeLocations;

/// <summary>Checks a location's fields and applies them; each error is keyed by the field it names.</summary>
public static class ProbeLocationValidator
{
    public static Dictionary<string, string[]> Apply(ProbeLocationRequest request, ProbeLocation location, bool isNew)
    {
        var errors = new Dictionary<string, string[]>();
        if (isNew || request.Name is not null)
        {
            var name = request.Name?.Trim() ?? "";
            if (name.Length is 0 or > ProbeLocation.MaxNameLength || name.Any(char.IsControl))
                errors["name"] = [$"A name of 1 to {ProbeLocation.MaxNameLength} characters (no control characters) is required, e.g. eu-west-1 prod VPC."];
            else if (location.IsConsole && name != location.Name)
                errors["name"] = ["This location is named by Probes:Location on the console's nodes; rename it there."];
            else location.Name = name;
        }
        if (request.Region is not null)
        {
            var region = request.Region.Trim();
            if (region.Length > 0 && !RegionSettingsService.IsRegionCode(region)) errors["region"] = ["Region must be an AWS region code such as eu-west-1, or empty."];
            else location.Region = region.Length == 0 ? null : region;
        }
        if (request.Description is not null)
        {
            var description = request.Description.Trim();
            if (description.Length > ProbeLocation.MaxDescriptionLength) errors["description"] = [$"At most {ProbeLocation.MaxDescriptionLength} characters."];
            else location.Description = description.Length == 0 ? null : description;
        }
        return errors;
    }

    public static string? TokenName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        return trimmed.Length is 0 or > 100 || trimmed.Any(char.IsControl) ? null : trimmed;
    }
}
