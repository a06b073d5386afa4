using System.Text.Json;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes.Locations;

/// <summary>The <c>locations</c> and <c>failWhen</c> fields of <see cref="SyntheticTestValidator"/>.</summary>
internal static class LocationTestRules
{
    public const int MaxLocations = 20;

    /// <returns>The locations and rule to store; applied by the validator only when no field is wrong.</returns>
    public static async Task<(List<string> Locations, FailWhenMode Mode, int? AtLeast)> ApplyAsync(SyntheticTestDto input, SyntheticTest test,
        IDbContextFactory<ConsoleDbContext> contexts, Action<string, string> error, CancellationToken cancellationToken)
    {
        var locations = test.Locations;
        if (input.Locations is { } names)
        {
            locations = await KnownAsync(names, contexts, error, cancellationToken) ?? locations;
        }
        var (mode, atLeast) = (test.FailWhen, test.FailWhenAtLeast);
        if (input.FailWhen is { } rule && !TryParse(rule, out mode, out atLeast))
        {
            error("failWhen", """failWhen must be "any", "all" or {"atLeast": k}.""");
            return (locations, test.FailWhen, test.FailWhenAtLeast);
        }
        var count = locations.Count == 0 ? 1 : locations.Count;
        if (mode == FailWhenMode.AtLeast && (atLeast < 1 || atLeast > count))
            error("failWhen", $"atLeast must be between 1 and the number of locations ({count}).");
        return (locations, mode, mode == FailWhenMode.AtLeast ? atLeast : null);
    }

    /// <summary>The names as the locations are named, each once; null (with an error) when one is unknown.</summary>
    private static async Task<List<string>?> KnownAsync(List<string> names, IDbContextFactory<ConsoleDbContext> contexts, Action<string, string> error, CancellationToken cancellationToken)
    {
        var keys = names.Select(n => (n ?? "").Trim()).Where(n => n.Length > 0).Select(ProbeLocations.ProbeLocation.KeyOf).Distinct().ToList();
        if (names.Any(n => string.IsNullOrWhiteSpace(n)))
        {
            error("locations", "A location name must not be empty.");
            return null;
        }
        if (keys.Count > MaxLocations)
        {
            error("locations", $"At most {MaxLocations} locations.");
            return null;
        }
        if (keys.Count == 0) return [];
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var known = await db.ProbeLocations.AsNoTracking().Where(l => keys.Contains(l.NameKey)).Select(l => new { l.NameKey, l.Name }).ToListAsync(cancellationToken);
        var byKey = known.ToDictionary(l => l.NameKey, l => l.Name);
        var unknown = names.Where(n => !byKey.ContainsKey(ProbeLocations.ProbeLocation.KeyOf(n))).ToList();
        if (unknown.Count > 0)
        {
            error("locations", $"No probe location named {string.Join(", ", unknown.Select(n => $"'{n.Trim()}'"))}; add it under Settings > Probe locations first.");
            return null;
        }
        return keys.Select(k => byKey[k]).ToList();
    }

    private static bool TryParse(JsonElement rule, out FailWhenMode mode, out int? atLeast)
    {
        (mode, atLeast) = (FailWhenMode.Any, null);
        switch (rule.ValueKind)
        {
            case JsonValueKind.String when string.Equals(rule.GetString(), "any", StringComparison.OrdinalIgnoreCase):
                return true;
            case JsonValueKind.String when string.Equals(rule.GetString(), "all", StringComparison.OrdinalIgnoreCase):
                mode = FailWhenMode.All;
                return true;
            case JsonValueKind.Object when rule.EnumerateObject().Count() == 1
                && rule.EnumerateObject().Single() is { } only && string.Equals(only.Name, "atLeast", StringComparison.OrdinalIgnoreCase)
                && only.Value.ValueKind == JsonValueKind.Number && only.Value.TryGetInt32(out var k):
                (mode, atLeast) = (FailWhenMode.AtLeast, k);
                return true;
            default:
                return false;
        }
    }
}
