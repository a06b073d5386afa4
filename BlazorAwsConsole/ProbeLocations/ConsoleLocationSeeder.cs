using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.ProbeLocations;

/// <summary>
/// Adds the location this node probes from (Probes:Location) when it is missing, under the start-up lock so nodes
/// starting together add it once. A location an Admin made earlier under the same name becomes the console's.
/// </summary>
public sealed class ConsoleLocationSeeder(IDbContextFactory<ConsoleDbContext> contexts, StartupLock startupLock, IOptions<ProbeOptions> probes,
    TimeProvider time, ILogger<ConsoleLocationSeeder> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => startupLock.RunAsync(SeedAsync, cancellationToken);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var name = probes.Value.LocationName;
        var key = ProbeLocation.KeyOf(name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var existing = await db.ProbeLocations.FirstOrDefaultAsync(l => l.NameKey == key, cancellationToken);
        if (existing is { IsConsole: true }) return;
        if (existing is not null)
        {
            existing.IsConsole = true;
            logger.LogWarning("Probe location {Location} is this node's Probes:Location: it is now the console's own location (its agent tokens no longer serve it)", name);
        }
        else
        {
            db.ProbeLocations.Add(new ProbeLocation { Name = name, IsConsole = true, CreatedAt = time.GetUtcNow().UtcDateTime, CreatedBy = "console" });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
