using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.ProbeLocations.Agents;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.ProbeLocations;

/// <summary>
/// Probe locations for the API and the settings page: Admins add, edit and delete them; every change is in the access
/// log and published on the LiveFeed. The console's own location is added at start-up (<see cref="ConsoleLocationSeeder"/>)
/// and can be described but not renamed or deleted here.
/// </summary>
public sealed class ProbeLocationService(IDbContextFactory<ConsoleDbContext> contexts, AgentRegistry agents, AuditLog audit, LiveFeed feed, TimeProvider time,
    Probes.ProbeCatalog catalog)
{
    public async Task<List<ProbeLocationDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var locations = await db.ProbeLocations.AsNoTracking().Include(l => l.Tokens).ToListAsync(cancellationToken);
        var live = await agents.LiveAsync(null, cancellationToken);
        var now = Now;
        // The console's location first, then by name (ordered here: SQLite and PostgreSQL sort text differently).
        return locations.OrderByDescending(l => l.IsConsole).ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .Select(l => ProbeLocationDto.From(l, now, live[l.Id])).ToList();
    }

    public async Task<ProbeLocationDto?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var location = await db.ProbeLocations.AsNoTracking().Include(l => l.Tokens).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        return location is null ? null : ProbeLocationDto.From(location, Now, (await agents.LiveAsync(id, cancellationToken))[id]);
    }

    public Task<SettingsResult<ProbeLocationDto>> AddAsync(ProbeLocationRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "probe-location.add", request.Name ?? "", AddAsync(request, caller.Name, cancellationToken));

    public Task<SettingsResult<ProbeLocationDto>> UpdateAsync(int id, ProbeLocationRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "probe-location.update", $"{id} {request.Name}".TrimEnd(), UpdateAsync(id, request, cancellationToken));

    public Task<SettingsResult<string>> DeleteAsync(int id, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "probe-location.delete", id.ToString(), DeleteAsync(id, cancellationToken));

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task<SettingsResult<ProbeLocationDto>> AddAsync(ProbeLocationRequest request, string createdBy, CancellationToken cancellationToken)
    {
        var location = new ProbeLocation { CreatedAt = Now, CreatedBy = createdBy };
        var errors = ProbeLocationValidator.Apply(request, location, isNew: true);
        if (errors.Count > 0) return SettingsResult<ProbeLocationDto>.Invalid(errors);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ProbeLocations.Add(location);
        if (!await TrySaveAsync(db, location, cancellationToken)) return NameTaken(location.Name);
        Changed(location.Id);
        return SettingsResult<ProbeLocationDto>.Ok(ProbeLocationDto.From(location, Now), $"Location {location.Name} added.");
    }

    private async Task<SettingsResult<ProbeLocationDto>> UpdateAsync(int id, ProbeLocationRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var location = await db.ProbeLocations.Include(l => l.Tokens).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (location is null) return NotFound<ProbeLocationDto>(id);
        var before = location.Name;
        var errors = ProbeLocationValidator.Apply(request, location, isNew: false);
        if (errors.Count > 0) return SettingsResult<ProbeLocationDto>.Invalid(errors);
        if (location.NameKey != ProbeLocation.KeyOf(before) && UsedBy(before) is { } users)
            return SettingsResult<ProbeLocationDto>.Invalid("name", $"{before} is named by {users}; take it out of them before renaming it (tests and results name locations).");
        if (!await TrySaveAsync(db, location, cancellationToken)) return NameTaken(location.Name);
        Changed(location.Id);
        return SettingsResult<ProbeLocationDto>.Ok(ProbeLocationDto.From(location, Now, (await agents.LiveAsync(id, cancellationToken))[id]), $"Location {location.Name} saved.");
    }

    private async Task<SettingsResult<string>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var location = await db.ProbeLocations.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (location is null) return NotFound<string>(id);
        if (location.IsConsole)
            return SettingsResult<string>.Fail(SettingsOutcome.Conflict, $"{location.Name} is where the console's own nodes probe from (Probes:Location); it cannot be deleted.");
        if (UsedBy(location.Name) is { } users)
            return SettingsResult<string>.Fail(SettingsOutcome.Conflict, $"{location.Name} is named by {users}; take it out of them before deleting it.");
        db.ProbeLocations.Remove(location);
        await db.SaveChangesAsync(cancellationToken);
        Changed(id);
        return SettingsResult<string>.Ok(location.Name, $"Location {location.Name} and its tokens deleted.");
    }

    /// <summary>"3 tests (a, b, c)" when synthetic tests run from the location; null when none does.</summary>
    private string? UsedBy(string name)
    {
        var tests = catalog.Tests.Where(t => t.Locations.Any(l => ProbeLocation.KeyOf(l) == ProbeLocation.KeyOf(name))).Select(t => t.Name).Order().ToList();
        if (tests.Count == 0) return null;
        var shown = string.Join(", ", tests.Take(3)) + (tests.Count > 3 ? ", …" : "");
        return $"{tests.Count} test{(tests.Count == 1 ? "" : "s")} ({shown})";
    }

    /// <summary>False when the unique name index refused the save (another location has the name, perhaps saved a moment ago by another node).</summary>
    private static async Task<bool> TrySaveAsync(ConsoleDbContext db, ProbeLocation location, CancellationToken cancellationToken)
    {
        if (await db.ProbeLocations.AnyAsync(l => l.NameKey == location.NameKey && l.Id != location.Id, cancellationToken)) return false;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    private static SettingsResult<ProbeLocationDto> NameTaken(string name) =>
        SettingsResult<ProbeLocationDto>.Invalid("name", $"Another location is already named {name}.");

    internal static SettingsResult<T> NotFound<T>(int id) => SettingsResult<T>.Fail(SettingsOutcome.NotFound, $"No probe location {id}.");

    private void Changed(int id) => feed.Publish(new ProbeLocationsChanged(id));
}

/// <summary>A location or one of its tokens was added, changed or deleted.</summary>
public sealed record ProbeLocationsChanged(int LocationId);
