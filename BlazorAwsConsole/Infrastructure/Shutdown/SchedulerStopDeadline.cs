using System.Diagnostics;
using Quartz;

namespace BlazorAwsConsole.Infrastructure.Shutdown;

/// <summary>
/// Quartz's hosted service with a deadline on its stop. A clustered node cut from its database never finishes
/// Quartz's shutdown: the scheduler thread releases the trigger it had acquired through the job store, which retries
/// until the database answers, and the shutdown waits for that thread — so the host's stop hung there and nothing
/// after it (the probe engine, the result writer, the heartbeat) stopped either. After <see cref="Deadline"/> the node
/// goes on stopping without it; the database recovers the trigger from the node's stale check-in, as for a crash.
/// </summary>
public sealed class SchedulerStopDeadline(IHostedLifecycleService quartz, ILogger<SchedulerStopDeadline> logger) : IHostedLifecycleService
{
    /// <summary>Ample for a shutdown whose running jobs were interrupted (<see cref="SchedulerShutdown"/>) and whose database answers.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly Stopwatch _stopping = new();
    private bool _gaveUp;

    /// <summary>Puts the deadline around the Quartz hosted service that <c>AddQuartzHostedService</c> registered, in its place (stop order is registration order).</summary>
    public static void Apply(IServiceCollection services)
    {
        var index = services.ToList().FindIndex(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(QuartzHostedService));
        if (index < 0) throw new InvalidOperationException("Quartz's hosted service is not registered: call AddQuartzHostedService first");
        services[index] = ServiceDescriptor.Singleton<IHostedService>(provider => new SchedulerStopDeadline(
            ActivatorUtilities.CreateInstance<QuartzHostedService>(provider), provider.GetRequiredService<ILogger<SchedulerStopDeadline>>()));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => quartz.StartingAsync(cancellationToken);
    public Task StartAsync(CancellationToken cancellationToken) => quartz.StartAsync(cancellationToken);
    public Task StartedAsync(CancellationToken cancellationToken) => quartz.StartedAsync(cancellationToken);

    public Task StoppingAsync(CancellationToken cancellationToken) => WithinDeadlineAsync(quartz.StoppingAsync, cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => WithinDeadlineAsync(quartz.StopAsync, cancellationToken);
    public Task StoppedAsync(CancellationToken cancellationToken) => WithinDeadlineAsync(quartz.StoppedAsync, cancellationToken);

    /// <summary>One deadline over the three stop steps (Quartz shuts down in whichever it is first asked).</summary>
    private async Task WithinDeadlineAsync(Func<CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        if (_gaveUp) return;
        if (!_stopping.IsRunning) _stopping.Start();
        var left = Deadline - _stopping.Elapsed;
        try
        {
            await step(cancellationToken).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            _gaveUp = true;
            logger.LogWarning("Quartz did not shut down within {Seconds} s (its job store does not answer: the database is unreachable); " +
                "the node stops without it, and the other nodes recover its triggers as for a crashed node", Deadline.TotalSeconds);
        }
    }
}
