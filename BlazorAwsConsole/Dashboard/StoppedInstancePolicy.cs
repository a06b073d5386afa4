using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Dashboard;

/// <summary>Stopped instances split into those a rule says matter (a problem on the wall) and those stopped on purpose.</summary>
public sealed record StoppedCounts(int Problem, int Expected);

/// <summary>
/// Decides which stopped instances the NOC treats as a problem: those tagged as in
/// <see cref="WallOptions.StoppedProblemTags"/> (by default env=prod) and those an enabled
/// "instance is stopped" alert rule watches. A fleet of 2,000 dev boxes stopped overnight stays calm.
/// </summary>
public sealed class StoppedInstancePolicy(IOptionsMonitor<WallOptions> options, IDbContextFactory<ConsoleDbContext> contexts)
{
    public async Task<StoppedCounts> CountAsync(IEnumerable<Instance> instances, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var stopped = instances.Where(i => i.State == "stopped").ToList();
        // No stopped instance, no question to ask the database.
        var rules = settings.StoppedProblemWhenRuleWatches && stopped.Count > 0 ? await StoppedRulesAsync(cancellationToken) : [];
        int problem = 0, expected = 0;
        foreach (var instance in stopped)
        {
            if (IsProblem(instance, settings.StoppedProblemTags, rules)) problem++;
            else expected++;
        }
        return new StoppedCounts(problem, expected);
    }

    public static bool IsProblem(Instance instance, IReadOnlyList<string> problemTags, IReadOnlyList<AlertRule> stoppedRules) =>
        problemTags.Any(tag => AlertEvaluator.HasTag(instance.Tags, tag)) || stoppedRules.Any(rule => AlertEvaluator.Matches(rule, instance.InstanceId, instance.Tags));

    private async Task<List<AlertRule>> StoppedRulesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AlertRules.AsNoTracking()
            .Where(r => r.Enabled && r.Condition == AlertCondition.InstanceState && r.State == "stopped")
            .ToListAsync(cancellationToken);
    }
}
