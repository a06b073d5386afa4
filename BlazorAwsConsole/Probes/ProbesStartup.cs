using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

/// <summary>At start-up: loads the tests and their live status, then schedules the enabled ones.</summary>
public sealed class ProbesStartup(IDbContextFactory<ConsoleDbContext> contexts, ProbeCatalog catalog, ProbeStatusBoard board, ProbeScheduler scheduler) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await catalog.LoadAsync(contexts, cancellationToken);
        await board.LoadAsync(contexts, cancellationToken);
        await scheduler.ScheduleAllAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
