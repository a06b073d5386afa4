using Quartz;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// A repeating trigger a feature declares (fleet poll, TTL enforcer, rollups, alert evaluation). Its key is fixed,
/// so every node of a cluster declares the same trigger; <see cref="DeclaredTriggerSync"/> makes a node's
/// configured interval win over a different one already stored.
/// </summary>
public sealed record RepeatingTrigger(TriggerKey Key, JobKey Job, TimeSpan Interval, TimeSpan FirstRunAfter)
{
    public ITrigger Build(DateTimeOffset now) => TriggerBuilder.Create()
        .WithIdentity(Key)
        .ForJob(Job)
        .StartAt(now + FirstRunAfter)
        .WithSimpleSchedule(Schedule)
        .Build();

    /// <summary>The schedule both the declaration and a replacement use: a run that could not fire on time is skipped, not caught up.</summary>
    public void Schedule(SimpleScheduleBuilder schedule) =>
        schedule.WithInterval(Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount);
}

public static class RepeatingTriggers
{
    /// <summary>
    /// Declares <typeparamref name="TJob"/> with one repeating trigger to Quartz, and remembers the trigger so a
    /// clustered node can compare it with the stored one.
    /// </summary>
    public static IServiceCollection AddRepeatingJob<TJob>(this IServiceCollection services, JobKey job, TriggerKey trigger,
        TimeSpan interval, TimeSpan firstRunAfter = default, bool durable = false) where TJob : IJob
    {
        var declared = new RepeatingTrigger(trigger, job, interval, firstRunAfter);
        services.AddSingleton(declared);
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<TJob>(j => j.WithIdentity(job).StoreDurably(durable));
            quartz.AddTrigger(t => t
                .WithIdentity(trigger)
                .ForJob(job)
                .StartAt(DateTimeOffset.UtcNow + firstRunAfter)
                .WithSimpleSchedule(declared.Schedule));
        });
        return services;
    }
}
