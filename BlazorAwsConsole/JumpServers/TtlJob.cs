using Quartz;

namespace BlazorAwsConsole.JumpServers;

/// <summary>Enforces jump server TTLs. Never overlaps itself; a missed run is covered by the next.</summary>
[DisallowConcurrentExecution]
public sealed class TtlJob(TtlEnforcer enforcer) : IJob
{
    public static readonly JobKey Key = new("jump-server-ttl", "jump-servers");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await enforcer.EnforceAsync(cancellationToken);
}
