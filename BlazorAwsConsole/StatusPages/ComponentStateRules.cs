using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.StatusPages;

/// <summary>What a component's member says right now.</summary>
internal enum Verdict
{
    Up,
    Degraded,
    Down,
}

/// <summary>
/// Derives a component's state from what the console already holds in memory — the tests' verdicts across their
/// locations (the probe status board, judged by each test's failWhen) and the instances' states and status checks (the fleet snapshot) — and the active maintenance
/// windows. The rules are written in the README ("Status pages: how a component's state is derived").
/// </summary>
public sealed class ComponentStateRules(ProbeCatalog tests, Probes.Locations.TestViews views, FleetSnapshot fleet)
{
    /// <param name="windows">Maintenance windows active now.</param>
    /// <param name="windowRules">The alert rules those windows silence (to know which tests and instances they cover).</param>
    public ComponentState Derive(StatusComponent component, IReadOnlyList<MaintenanceWindow> windows, IReadOnlyList<AlertRule> windowRules, DateTime now)
    {
        if (component.ManualState is { } manual && component.ManualUntil > now) return manual;
        int up = 0, degraded = 0, down = 0, inMaintenance = 0;
        void Count(Verdict? verdict, bool covered)
        {
            if (covered) inMaintenance++;
            else if (verdict == Verdict.Up) up++;
            else if (verdict == Verdict.Degraded) degraded++;
            else if (verdict == Verdict.Down) down++;
        }
        foreach (var testId in component.TestIds)
        {
            Count(VerdictOf(testId), windows.Any(w => Covers(w, windowRules, testId)));
        }
        foreach (var instance in MembersOf(component))
        {
            Count(VerdictOf(instance.Instance, instance.ById), windows.Any(w => Covers(w, windowRules, instance.Instance)));
        }
        var known = up + degraded + down;
        if (down == 0 && degraded == 0) return inMaintenance > 0 ? ComponentState.Maintenance : ComponentState.Operational;
        if (down == 0) return ComponentState.Degraded;
        return down == known ? ComponentState.MajorOutage : ComponentState.PartialOutage;
    }

    /// <summary>The maintenance windows active now and the alert rules they silence (what <see cref="Derive"/> needs besides the component).</summary>
    public static async Task<(List<MaintenanceWindow> Windows, List<AlertRule> Rules)> MaintenanceAsync(ConsoleDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.StartsAt <= now && w.EndsAt > now).ToListAsync(cancellationToken);
        var ruleIds = windows.SelectMany(w => w.RuleIds).Distinct().ToList();
        var rules = ruleIds.Count == 0 ? [] : await db.AlertRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToListAsync(cancellationToken);
        return (windows, rules);
    }

    /// <summary>
    /// The maintenance windows active now or starting within <paramref name="until"/>, and the alert rules they silence
    /// (for the page's "Scheduled maintenance" list).
    /// </summary>
    public static async Task<(List<MaintenanceWindow> Windows, List<AlertRule> Rules)> MaintenanceUntilAsync(ConsoleDbContext db, DateTime now, DateTime until,
        CancellationToken cancellationToken)
    {
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.EndsAt > now && w.StartsAt <= until).OrderBy(w => w.StartsAt).ToListAsync(cancellationToken);
        var ruleIds = windows.SelectMany(w => w.RuleIds).Distinct().ToList();
        var rules = ruleIds.Count == 0 ? [] : await db.AlertRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToListAsync(cancellationToken);
        return (windows, rules);
    }

    /// <summary>Whether the window covers any of the component's tests or instances (by the same rules as <see cref="Derive"/>).</summary>
    public bool Covers(StatusComponent component, MaintenanceWindow window, IReadOnlyList<AlertRule> windowRules) =>
        component.TestIds.Any(testId => Covers(window, windowRules, testId))
        || MembersOf(component).Any(member => Covers(window, windowRules, member.Instance));

    /// <summary>The instances the component stands for: those named by id (when the fleet knows them) and those with its tag.</summary>
    internal IEnumerable<(Instance Instance, bool ById)> MembersOf(StatusComponent component)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in component.InstanceIds)
        {
            if (fleet.Find(id) is { } instance && seen.Add(id)) yield return (instance, true);
        }
        if (component.InstanceTag is { } tag)
        {
            foreach (var instance in fleet.Instances)
            {
                if (AlertEvaluator.HasTag(instance.Tags, tag) && seen.Add(instance.InstanceId)) yield return (instance, false);
            }
        }
    }

    /// <summary>
    /// A test: its verdict across its locations (down, degraded or up by its failWhen, as the test list and alerts judge
    /// it; from one location, that location's last run); never run, or deleted: no verdict.
    /// </summary>
    private Verdict? VerdictOf(int testId) => tests.Find(testId) is { } test
        ? views.VerdictOf(test).Status switch
        {
            ProbeHealth.Down => Verdict.Down,
            ProbeHealth.Degraded => Verdict.Degraded,
            ProbeHealth.Up => Verdict.Up,
            _ => null,
        }
        : null;

    /// <summary>
    /// An instance: running with no impaired status check is up; pending is degraded; stopped, stopping, shutting down
    /// or impaired is down; terminated is down when named by id and no longer a member when it came by its tag.
    /// </summary>
    internal static Verdict? VerdictOf(Instance instance, bool byId) => instance.State switch
    {
        "running" => instance.StatusChecks?.IsImpaired == true ? Verdict.Down : Verdict.Up,
        "pending" => Verdict.Degraded,
        "terminated" => byId ? Verdict.Down : null,
        "stopped" or "stopping" or "shutting-down" => Verdict.Down,
        _ => null,
    };

    private static bool Covers(MaintenanceWindow window, IReadOnlyList<AlertRule> rules, int testId) =>
        window.RuleIds.Any(id => rules.Any(r => r.Id == id && r.TestId == testId));

    private static bool Covers(MaintenanceWindow window, IReadOnlyList<AlertRule> rules, Instance instance) =>
        (window.InstanceTag is { } tag && AlertEvaluator.HasTag(instance.Tags, tag))
        || window.RuleIds.Any(id => rules.Any(r => r.Id == id && r.TestId is null && (r.InstanceId is not null || r.Tag is not null)
            && AlertEvaluator.Matches(r, instance.InstanceId, instance.Tags)));
}
