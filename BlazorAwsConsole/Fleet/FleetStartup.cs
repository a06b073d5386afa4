using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Fleet;

/// <summary>
/// At start-up: seeds the configured regions into an empty database (under the start-up lock, so nodes starting
/// together do not both insert them) and loads the stored fleet into the snapshot.
/// </summary>
public sealed class FleetStartup(IServiceScopeFactory scopes, FleetSyncService sync, StartupLock startupLock, IOptions<FleetOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await startupLock.RunAsync(SeedRegionsAsync, cancellationToken);
        await sync.LoadAsync(cancellationToken);
    }

    private async Task SeedRegionsAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            // The database owns the regions (Settings > AWS Settings > Regions edits them); settings
            // only seed an empty table, on the first start, so a region removed on the page stays removed.
            if (!await db.Regions.AnyAsync(cancellationToken))
            {
                db.Regions.AddRange(options.Value.Regions.DistinctBy(r => r.Code).Select(setting => new WatchedRegion
                {
                    Code = setting.Code,
                    Name = setting.Name ?? setting.Code,
                    Enabled = setting.Enabled,
                    ServiceUrl = string.IsNullOrWhiteSpace(setting.ServiceUrl) ? null : setting.ServiceUrl,
                }));
            }
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
