using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.ProbeLocations;

/// <summary>A location served by agents with none live now, and how many enabled tests run from it.</summary>
public sealed record UncoveredLocation(int Id, string Name, int Tests);

/// <summary>
/// Which agent locations have no live agent (the shared registry of every node's agents): their tests run from nowhere.
/// The dashboard and the wall show those that enabled tests run from; the locationNoAgent alert rule watches them.
/// </summary>
public sealed class LocationCoverage(IDbContextFactory<ConsoleDbContext> contexts, AgentRegistry agents, ProbeCatalog catalog)
{
    /// <summary>Every location other than the console's own that has no live agent, with its count of enabled tests.</summary>
    public async Task<IReadOnlyList<UncoveredLocation>> UncoveredAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var locations = await db.ProbeLocations.AsNoTracking().Where(l => !l.IsConsole).Select(l => new { l.Id, l.Name, l.NameKey }).ToListAsync(cancellationToken);
        if (locations.Count == 0) return [];
        var live = await agents.LiveAsync(null, cancellationToken);
        var testsByLocation = catalog.Tests.Where(t => t.Enabled).SelectMany(t => t.Locations.Select(ProbeLocation.KeyOf).Distinct())
            .GroupBy(key => key).ToDictionary(g => g.Key, g => g.Count());
        return locations.Where(l => !live.Contains(l.Id))
            .Select(l => new UncoveredLocation(l.Id, l.Name, testsByLocation.GetValueOrDefault(l.NameKey)))
            .OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The uncovered locations that enabled tests run from: those are a problem now.</summary>
    public async Task<IReadOnlyList<UncoveredLocation>> ProblemsAsync(CancellationToken cancellationToken) =>
        (await UncoveredAsync(cancellationToken)).Where(l => l.Tests > 0).ToList();
}
