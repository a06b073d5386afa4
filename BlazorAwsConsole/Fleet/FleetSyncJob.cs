using Quartz;

namespace BlazorAwsConsole.Fleet;

/// <summary>Polls the fleet. Never overlaps itself; a missed run is not replayed (the next poll covers it).</summary>
[DisallowConcurrentExecution]
public sealed class FleetSyncJob(FleetSyncService sync) : IJob
{
    public static readonly JobKey Key = new("fleet-sync", "fleet");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sync.SyncAsync(cancellationToken: cancellationToken);
}
