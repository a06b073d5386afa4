using Quartz;

namespace BlazorAwsConsole.Alerts;

/// <summary>
/// PostgreSQL: one evaluation of every rule, as a job of the clustered Quartz store. The store fires a trigger on
/// one node, and a job that disallows concurrent execution never runs on two nodes at once, so every rule is
/// judged by one node at a time (from the database: see <see cref="ClusteredAlertEvaluation"/>).
/// </summary>
[DisallowConcurrentExecution]
public sealed class AlertEvaluationJob(AlertEngine engine, ILogger<AlertEvaluationJob> logger) : IJob
{
    public static readonly JobKey Key = new("alert-evaluation", "alerts");

    /// <summary>The repeating trigger (every Alerts:EvaluateSeconds).</summary>
    public static readonly TriggerKey EveryKey = new("alert-evaluation", "alerts");

    /// <summary>The one-shot trigger "evaluate now" after new results or a fleet change (one key, so many asks become one).</summary>
    public static readonly TriggerKey NowKey = new("alert-evaluation-now", "alerts");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await engine.EvaluateAsync(cancellationToken);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(error, "Alert evaluation failed; trying again at the next interval");
        }
    }
}

/// <summary>
/// Present on PostgreSQL only: alert evaluation is the cluster's <see cref="AlertEvaluationJob"/> instead of a loop
/// on every node. Each node's engine asks for a run here when it stores results or learns of a fleet change, and the
/// evaluator reads the rules, the open alerts and the history a rule needs from the database, so the node that
/// judges sees every node's results, not only its own.
/// </summary>
public sealed class ClusteredAlertEvaluation(ISchedulerFactory schedulers)
{
    /// <summary>Asks the cluster for an evaluation as soon as possible: it runs on one node (maybe another).</summary>
    public async Task RequestAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var now = TriggerBuilder.Create().WithIdentity(NowKey).ForJob(AlertEvaluationJob.Key).StartNow().Build();
        // Replacing: an ask not yet fired is the same ask; one fired already is done, and this one comes after it.
        await scheduler.ScheduleJob(now, ScheduleJobOptions.Replacing, cancellationToken);
    }

    private static TriggerKey NowKey => AlertEvaluationJob.NowKey;
}
