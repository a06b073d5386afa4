using System.Collections.Concurrent;
using Quartz;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// Counts what Quartz fired and what it gave up as misfired, for the probe triggers only, and how late
/// Quartz itself fired each one (fire time − scheduled time), before the engine's queue.
/// </summary>
internal sealed class FireCounter : ITriggerListener
{
    private long _fired;
    private long _misfired;

    public string Name => "probe-benchmark-fire-counter";

    public long Fired => Interlocked.Read(ref _fired);

    public long Misfired => Interlocked.Read(ref _misfired);

    public ConcurrentQueue<double> FireLagsMs { get; } = new();

    public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _fired);
        if (context.ScheduledFireTimeUtc is { } scheduled) FireLagsMs.Enqueue((context.FireTimeUtc - scheduled).TotalMilliseconds);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false);

    public ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _misfired);
        return ValueTask.CompletedTask;
    }

    public ValueTask TriggerSkipped(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask TriggerComplete(ITrigger trigger, IJobExecutionContext context, SchedulerInstruction triggerInstructionCode, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    public ValueTask TriggerRetriesExhausted(ITrigger trigger, IJobExecutionContext context, JobExecutionException exception, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;
}
