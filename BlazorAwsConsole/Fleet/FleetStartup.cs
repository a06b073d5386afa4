using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Fleet;

/// <summary>At start-up: writes the configured regions into the database and loads the stored fleet into the snapshot.</summary>
public sealed class FleetStartup(IServiceScopeFactory scopes, FleetSyncService sync, IOptions<FleetOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var stored = await db.Regions.ToDictionaryAsync(r => r.Code, cancellationToken);
            foreach (var setting in options.Value.Regions)
            {
                if (!stored.TryGetValue(setting.Code, out var region))
                {
                    region = new WatchedRegion { Code = setting.Code, Name = setting.Name ?? setting.Code };
                    db.Regions.Add(region);
                }
                // Settings win over the database until the settings pages (issue 4) take over.
                region.Name = setting.Name ?? region.Name;
                region.Enabled = setting.Enabled;
                region.ServiceUrl = string.IsNullOrWhiteSpace(setting.ServiceUrl) ? null : setting.ServiceUrl;
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        await sync.LoadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
