using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Events;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Locations;
using BlazorAwsConsole.ProbeLocations;
using BlazorAwsConsole.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts;

/// <summary>A rule's condition holding for one subject now.</summary>
/// <param name="InstanceTags">The subject instance's tags, so a maintenance window can silence it by tag.</param>
public sealed record Finding(string SubjectKey, string Subject, string? Link, string Summary, IReadOnlyDictionary<string, string>? InstanceTags = null);

/// <summary>
/// Works out, for one rule, which subjects its condition holds for right now, from the live state
/// (fleet snapshot, test status board) and, for windows of history, the database. Keeps the little
/// memory some conditions need: since when a test has been slow, which instances left the fleet.
/// On a cluster (PostgreSQL) the node that evaluates may not be the one that ran the tests, so "slow" and
/// "degraded for N minutes" are read from the results every node stored instead of from this node's memory.
/// </summary>
public sealed class AlertEvaluator(
    FleetSnapshot fleet,
    ProbeCatalog tests,
    ProbeStatusBoard board,
    IDbContextFactory<ConsoleDbContext> contexts,
    IOptionsMonitor<AlertOptions> options,
    IOptions<SecretsOptions> secrets,
    TimeProvider time,
    TestViews views,
    LocationCoverage coverage,
    ClusteredAlertEvaluation? clustered = null)
{
    private readonly Dictionary<string, (string Name, string Region, Dictionary<string, string> Tags)> _seen = [];
    private readonly Dictionary<string, (DateTime At, string Name, string Region, Dictionary<string, string> Tags)> _gone = [];
    private readonly Dictionary<(int Rule, int Test), DateTime> _slowSince = [];
    private readonly Dictionary<(int Rule, int Test), DateTime> _degradedSince = [];
    private readonly Dictionary<string, DateTime> _impairedSince = [];
    private readonly Dictionary<int, DateTime> _noAgentSince = [];
    /// <summary>The locations without a live agent, read once per pass however many locationNoAgent rules there are.</summary>
    private IReadOnlyList<UncoveredLocation>? _uncoveredThisPass;
    private readonly DateTime _startedAt = time.GetUtcNow().UtcDateTime;

    /// <summary>Starts an evaluation of every rule: notes the fleet's changes and forgets what the last pass read once for all rules.</summary>
    public void BeginPass()
    {
        _uncoveredThisPass = null;
        TrackFleet();
    }

    /// <summary>Notes which instances left the fleet since the last call; called once per evaluation, before the rules.</summary>
    public void TrackFleet()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var current = fleet.Instances.ToDictionary(i => i.InstanceId);
        foreach (var (id, seen) in _seen.Where(s => !current.ContainsKey(s.Key)).ToList())
        {
            _gone[id] = (now, seen.Name, seen.Region, seen.Tags);
            _seen.Remove(id);
        }
        foreach (var instance in current.Values)
        {
            _seen[instance.InstanceId] = (instance.Name, instance.Region, instance.Tags);
            _gone.Remove(instance.InstanceId);
            if (FleetHealth.IsImpaired(instance)) _impairedSince.TryAdd(instance.InstanceId, now);
            else _impairedSince.Remove(instance.InstanceId);
        }
        foreach (var id in _impairedSince.Keys.Where(id => !current.ContainsKey(id)).ToList()) _impairedSince.Remove(id);
        var forgetBefore = now.AddHours(-options.CurrentValue.DisappearedHours);
        foreach (var id in _gone.Where(g => g.Value.At < forgetBefore).Select(g => g.Key).ToList()) _gone.Remove(id);
    }

    /// <summary>Updates "slow since" for the slow-response rules and "degraded since" for the degraded rules from new results.</summary>
    public void Observe(IEnumerable<ProbeResult> results, IReadOnlyList<AlertRule> rules)
    {
        var ordered = results.OrderBy(r => r.StartedAt).ToList();
        ObserveDegraded(ordered, rules);
        var slowRules = rules.Where(r => r.Condition == AlertCondition.TestSlow).ToList();
        if (slowRules.Count == 0) return;
        foreach (var result in ordered)
        {
            if (tests.Find(result.TestId) is not { } test) continue;
            foreach (var rule in slowRules.Where(r => Matches(r, test)))
            {
                var slow = !result.Success || result.ResponseTimeMs is null || result.ResponseTimeMs > rule.ThresholdMs;
                if (slow) _slowSince.TryAdd((rule.Id, test.Id), result.StartedAt);
                else _slowSince.Remove((rule.Id, test.Id));
            }
        }
    }

    /// <summary>A degraded run starts (or continues) the spell; an up or down run ends it: "degraded for N minutes" means every run in them was degraded.</summary>
    private void ObserveDegraded(IReadOnlyList<ProbeResult> ordered, IReadOnlyList<AlertRule> rules)
    {
        var degradedRules = rules.Where(r => r.Condition == AlertCondition.TestDegraded).ToList();
        if (degradedRules.Count == 0) return;
        foreach (var result in ordered)
        {
            if (tests.Find(result.TestId) is not { } test) continue;
            foreach (var rule in degradedRules.Where(r => Matches(r, test)))
            {
                if (result.Status == ProbeHealth.Degraded) _degradedSince.TryAdd((rule.Id, test.Id), result.StartedAt);
                else _degradedSince.Remove((rule.Id, test.Id));
            }
        }
    }

    public async Task<List<Finding>> EvaluateAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        switch (rule.Condition)
        {
            case AlertCondition.InstanceState:
                return fleet.Instances.Where(i => Matches(rule, i.InstanceId, i.Tags) && string.Equals(i.State, rule.State, StringComparison.OrdinalIgnoreCase))
                    .Select(i => new Finding($"instance:{i.InstanceId}", Label(i.InstanceId, i.Name), $"/instances/{i.InstanceId}",
                        $"{Label(i.InstanceId, i.Name)} in {i.Region} is {i.State}", i.Tags))
                    .ToList();
            case AlertCondition.InstanceDisappeared when clustered is not null:
                return (await GoneAsync(now, cancellationToken)).Where(g => Matches(rule, g.Key, g.Value.Tags))
                    .Select(g => new Finding($"instance:{g.Key}", Label(g.Key, g.Value.Name), $"/instances/{g.Key}",
                        $"{Label(g.Key, g.Value.Name)} in {g.Value.Region} left the fleet at {g.Value.At:HH:mm:ss} UTC", g.Value.Tags))
                    .ToList();
            case AlertCondition.InstanceDisappeared:
                return _gone.Where(g => Matches(rule, g.Key, g.Value.Tags))
                    .Select(g => new Finding($"instance:{g.Key}", Label(g.Key, g.Value.Name), $"/instances/{g.Key}",
                        $"{Label(g.Key, g.Value.Name)} in {g.Value.Region} left the fleet at {g.Value.At:HH:mm:ss} UTC", g.Value.Tags))
                    .ToList();
            case AlertCondition.TestFailures:
                // Counted per location and judged by the test's failWhen (or at the rule's one location): the verdict, not whichever location ran last.
                var times = rule.ConsecutiveFailures ?? 1;
                return tests.Tests.Where(t => Matches(rule, t) && (rule.Location is null || t.RunsFrom(rule.Location, views.ConsoleLocation)))
                    .Select(t => (Test: t, Failures: RepeatedFailures.Of(t, board.StatusOf(t.Id), views.ConsoleLocation, times, rule.Location)))
                    .Where(x => x.Failures.Failing)
                    .Select(x => TestFinding(x.Test, x.Failures.Describe(times, rule.Location is null ? x.Test.EffectiveLocations(views.ConsoleLocation).Count : 1)))
                    .ToList();
            case AlertCondition.LocationNoAgent:
                return await NoAgentFindingsAsync(rule, now, cancellationToken);
            case AlertCondition.TestSlow when clustered is not null:
                var threshold = rule.ThresholdMs ?? 0;
                return (await StoredSpellsAsync(rule, r => new Run { TestId = r.TestId, StartedAt = r.StartedAt,
                        Breaks = r.Success && r.ResponseTimeMs != null && r.ResponseTimeMs <= threshold }, now, cancellationToken))
                    .Select(t => TestFinding(t, $"slower than {rule.ThresholdMs:0.#} ms for {rule.ForMinutes} min (last {board.StatusOf(t.Id).Last?.ResponseTimeMs:0.#} ms)"))
                    .ToList();
            case AlertCondition.TestDegraded when clustered is not null:
                return (await StoredSpellsAsync(rule, r => new Run { TestId = r.TestId, StartedAt = r.StartedAt, Breaks = !r.Success || !r.Degraded }, now, cancellationToken))
                    .Select(t => TestFinding(t, $"degraded for {rule.ForMinutes} min: {board.StatusOf(t.Id).Last?.Reason}"))
                    .ToList();
            case AlertCondition.TestSlow:
                return tests.Tests.Where(t => Matches(rule, t))
                    .Where(t => _slowSince.TryGetValue((rule.Id, t.Id), out var since) && now - since >= TimeSpan.FromMinutes(rule.ForMinutes ?? 0))
                    .Select(t => TestFinding(t, $"slower than {rule.ThresholdMs:0.#} ms for {rule.ForMinutes} min (last {board.LastOf(t.Id)?.ResponseTimeMs:0.#} ms)"))
                    .ToList();
            case AlertCondition.TestDegraded:
                return tests.Tests.Where(t => Matches(rule, t))
                    .Where(t => _degradedSince.TryGetValue((rule.Id, t.Id), out var since) && now - since >= TimeSpan.FromMinutes(rule.ForMinutes ?? 0))
                    .Select(t => TestFinding(t, $"degraded for {rule.ForMinutes} min: {board.LastOf(t.Id)?.Reason}"))
                    .ToList();
            case AlertCondition.TestSuccessRate:
                return await SuccessRateFindingsAsync(rule, now, cancellationToken);
            case AlertCondition.RouteChanged:
                return tests.Tests.Where(t => t.Type == ProbeType.Traceroute && Matches(rule, t))
                    .Where(t => board.LastOf(t.Id)?.Traceroute?.RouteChanged == true)
                    .Select(t => TestFinding(t, $"route changed: {string.Join(" → ", ProbeStatusBoard.RouteOf(board.LastOf(t.Id)!.Traceroute!))}"))
                    .ToList();
            case AlertCondition.RegionStale:
                return fleet.Regions
                    .Select(r => (Region: r, Since: r.LastSyncedAt ?? _startedAt))
                    .Where(x => now - x.Since > TimeSpan.FromMinutes(rule.StaleMinutes ?? 0) && x.Region.LastError is not null)
                    .Select(x => new Finding($"region:{x.Region.Code}", x.Region.Code, "/fleet",
                        $"{x.Region.Code} has not synced since {(x.Region.LastSyncedAt is null ? "start-up" : $"{x.Region.LastSyncedAt:yyyy-MM-dd HH:mm} UTC")}: {x.Region.LastError}"))
                    .ToList();
            case AlertCondition.CredentialAge:
                return await CredentialFindingsAsync(rule, now, cancellationToken);
            case AlertCondition.StatusCheckImpaired:
                var impaired = fleet.Instances.Where(i => Matches(rule, i.InstanceId, i.Tags) && FleetHealth.IsImpaired(i)).ToList();
                var impairedSince = await ImpairedSinceAsync(impaired, now, cancellationToken);
                return impaired.Where(i => now - impairedSince[i.InstanceId] >= TimeSpan.FromMinutes(rule.ForMinutes ?? 0))
                    .Select(i => new Finding($"instance:{i.InstanceId}", Label(i.InstanceId, i.Name), $"/instances/{i.InstanceId}",
                        $"{Label(i.InstanceId, i.Name)} in {i.Region}: status checks {i.StatusChecks!.Summary} for {(int)(now - impairedSince[i.InstanceId]).TotalMinutes} min "
                        + $"(system {i.StatusChecks.System}, instance {i.StatusChecks.Instance}, EBS {i.StatusChecks.Ebs})", i.Tags))
                    .ToList();
            case AlertCondition.ScheduledEvent:
                var horizon = now.AddDays(rule.WithinDays ?? FleetHealth.ScheduledWithinDays);
                return fleet.Instances.Where(i => Matches(rule, i.InstanceId, i.Tags) && FleetHealth.HasScheduledEventBefore(i, horizon))
                    .Select(i => new Finding($"instance:{i.InstanceId}", Label(i.InstanceId, i.Name), $"/instances/{i.InstanceId}",
                        $"{Label(i.InstanceId, i.Name)} in {i.Region}: {i.ScheduledEvents.First(e => e.NotBefore is null || e.NotBefore <= horizon).Describe()}", i.Tags))
                    .ToList();
            case AlertCondition.AwsNotice:
                return await NoticeFindingsAsync(rule, now, cancellationToken);
            default:
                return [];
        }
    }

    /// <summary>One stored run as a spell sees it: whether it ends the spell (an up run for "degraded", a fast one for "slow").</summary>
    private sealed class Run
    {
        public int TestId { get; init; }
        public DateTime StartedAt { get; init; }
        public bool Breaks { get; init; }
    }

    /// <summary>
    /// The tests in the rule's scope whose spell has lasted N minutes, from the stored results: the last run at or
    /// before N minutes ago was in the spell, and no run since ended it (the same as "every run since the spell
    /// began was in it, and it began N minutes ago or more"). Runs are looked for from two intervals of the
    /// slowest test in scope before that, so a test that runs hourly still has its run before the window.
    /// </summary>
    private async Task<List<SyntheticTest>> StoredSpellsAsync(AlertRule rule, System.Linq.Expressions.Expression<Func<ProbeResult, Run>> run,
        DateTime now, CancellationToken cancellationToken)
    {
        var inScope = tests.Tests.Where(t => Matches(rule, t)).ToDictionary(t => t.Id);
        if (inScope.Count == 0) return [];
        var cutoff = now.AddMinutes(-(rule.ForMinutes ?? 0));
        var from = cutoff - TimeSpan.FromSeconds(2 * inScope.Values.Max(t => t.FrequencySeconds)) - TimeSpan.FromMinutes(1);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var results = db.ProbeResults.AsNoTracking().Where(r => r.StartedAt > from && r.StartedAt <= now);
        if (rule.TestId is { } only) results = results.Where(r => r.TestId == only);
        var spells = await results.Select(run)
            .GroupBy(r => r.TestId)
            .Select(g => new
            {
                TestId = g.Key,
                LastBeforeCutoff = g.Max(r => r.StartedAt <= cutoff ? (DateTime?)r.StartedAt : null),
                LastBreak = g.Max(r => r.Breaks ? (DateTime?)r.StartedAt : null),
            })
            .ToListAsync(cancellationToken);
        return spells
            .Where(s => s.LastBeforeCutoff is { } before && (s.LastBreak is not { } broke || broke < before) && inScope.ContainsKey(s.TestId))
            .Select(s => inScope[s.TestId])
            .ToList();
    }

    private async Task<List<Finding>> SuccessRateFindingsAsync(AlertRule rule, DateTime now, CancellationToken cancellationToken)
    {
        var from = now.AddMinutes(-(rule.WindowMinutes ?? 60));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await db.ProbeResults.AsNoTracking()
            .Where(r => r.StartedAt >= from)
            .GroupBy(r => r.TestId)
            .Select(g => new { TestId = g.Key, Runs = g.Count(), Failures = g.Count(r => !r.Success) })
            .ToListAsync(cancellationToken);
        return counts
            .Select(c => (Test: tests.Find(c.TestId), Rate: 100.0 * (c.Runs - c.Failures) / c.Runs, c.Runs))
            .Where(x => x.Test is not null && Matches(rule, x.Test) && x.Rate < rule.SuccessRateBelow)
            .Select(x => TestFinding(x.Test!, $"success rate {x.Rate:0.#} % over {rule.WindowMinutes} min ({x.Runs} runs), below {rule.SuccessRateBelow:0.#} %"))
            .ToList();
    }

    /// <summary>
    /// The instances in scope that AWS sent a notice of the rule's kind about within its window (the
    /// newest notice is the summary). The alert resolves once the window has passed without another.
    /// An instance a Spot interruption took away is still matched by id; by tag only while it is known.
    /// </summary>
    private async Task<List<Finding>> NoticeFindingsAsync(AlertRule rule, DateTime now, CancellationToken cancellationToken)
    {
        var from = now.AddMinutes(-(rule.WindowMinutes ?? 60));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var notices = await db.InstanceChanges.AsNoTracking()
            .Where(c => c.Kind == ChangeKind.AwsNotice && c.At >= from)
            .OrderByDescending(c => c.At)
            .ToListAsync(cancellationToken);
        return notices
            .Where(n => AwsNoticeKinds.IsOfKind(n.Field, rule.NoticeKind))
            .GroupBy(n => n.InstanceId)
            .Select(g => (Latest: g.First(), Count: g.Count(), Tags: TagsOf(g.Key)))
            .Where(x => Matches(rule, x.Latest.InstanceId, x.Tags))
            .Select(x => new Finding($"instance:{x.Latest.InstanceId}", Label(x.Latest.InstanceId, x.Latest.InstanceName), $"/instances/{x.Latest.InstanceId}",
                $"{Label(x.Latest.InstanceId, x.Latest.InstanceName)} in {x.Latest.Region}: {x.Latest.NewValue} (at {x.Latest.At:HH:mm:ss} UTC"
                + (x.Count > 1 ? $"; {x.Count} notices in {rule.WindowMinutes} min)" : ")"), x.Tags))
            .ToList();
    }

    /// <summary>
    /// Cluster: the instances that left the fleet within Alerts:DisappearedHours as the change log has them (a node
    /// started since then knows them too), with the tags this node saw them with when it did.
    /// </summary>
    private async Task<Dictionary<string, (DateTime At, string Name, string Region, Dictionary<string, string> Tags)>> GoneAsync(DateTime now, CancellationToken cancellationToken)
    {
        var since = now.AddHours(-options.CurrentValue.DisappearedHours);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var left = await db.InstanceChanges.AsNoTracking()
            .Where(c => c.Kind == ChangeKind.Disappeared && c.At >= since)
            .OrderByDescending(c => c.At)
            .ToListAsync(cancellationToken);
        var gone = new Dictionary<string, (DateTime At, string Name, string Region, Dictionary<string, string> Tags)>(_gone);
        foreach (var change in left.DistinctBy(c => c.InstanceId).Where(c => fleet.Find(c.InstanceId) is null))
        {
            gone[change.InstanceId] = (change.At, change.InstanceName, change.Region, _gone.TryGetValue(change.InstanceId, out var known) ? known.Tags : []);
        }
        return gone;
    }

    /// <summary>
    /// Since when each impaired instance has been impaired: the earlier of what this evaluator saw and what the change
    /// log says (when the checks impaired now last turned impaired), so a node that starts judging later (a restart, a
    /// failover to another node) does not see a long spell as new and resolve its alert. An instance impaired when the
    /// console first read it has no change record; then only this evaluator's own sighting counts.
    /// </summary>
    private async Task<Dictionary<string, DateTime>> ImpairedSinceAsync(IReadOnlyList<Instance> impaired, DateTime now, CancellationToken cancellationToken)
    {
        if (impaired.Count == 0) return [];
        var ids = impaired.Select(i => i.InstanceId).ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var turnedImpaired = await db.InstanceChanges.AsNoTracking()
            .Where(c => c.Kind == ChangeKind.StatusCheck && c.NewValue == "impaired" && ids.Contains(c.InstanceId))
            .GroupBy(c => new { c.InstanceId, c.Field })
            .Select(g => new { g.Key.InstanceId, g.Key.Field, At = g.Max(c => c.At) })
            .ToListAsync(cancellationToken);
        return impaired.ToDictionary(i => i.InstanceId, i =>
        {
            var impairedNow = i.StatusChecks!.All.Where(c => c.Value == "impaired").Select(c => "status:" + c.Name).ToHashSet();
            var logged = turnedImpaired.Where(t => t.InstanceId == i.InstanceId && impairedNow.Contains(t.Field)).Select(t => (DateTime?)t.At).Min();
            var seen = _impairedSince.TryGetValue(i.InstanceId, out var at) ? at : now;
            return logged is { } log && log < seen ? log : seen;
        });
    }

    /// <summary>An instance's tags from the fleet, or from what was last seen of it if it left; none if never seen.</summary>
    private IReadOnlyDictionary<string, string> TagsOf(string instanceId) =>
        fleet.Find(instanceId)?.Tags
        ?? (_gone.TryGetValue(instanceId, out var gone) ? gone.Tags : null)
        ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();

    private async Task<List<Finding>> CredentialFindingsAsync(AlertRule rule, DateTime now, CancellationToken cancellationToken)
    {
        var limit = secrets.Value.MaxCredentialAgeDays;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sets = await db.CredentialSets.AsNoTracking().Where(c => c.Kind == CredentialKind.KeyPair).ToListAsync(cancellationToken);
        return sets
            .Select(s => (Set: s, Age: (int)(now - s.KeyDate).TotalDays))
            .Where(x => x.Age >= limit - (rule.DaysBeforeLimit ?? 0))
            .Select(x => new Finding($"credential:{x.Set.Name}", $"credential set {x.Set.Name}", "/settings/aws",
                x.Age >= limit ? $"key of {x.Set.Name} is {x.Age} days old, past the {limit}-day limit: rotate it"
                               : $"key of {x.Set.Name} is {x.Age} days old; the limit is {limit} days"))
            .ToList();
    }

    /// <summary>Locations without a live agent for the rule's minutes (counted from when this evaluator first saw them so).</summary>
    private async Task<List<Finding>> NoAgentFindingsAsync(AlertRule rule, DateTime now, CancellationToken cancellationToken)
    {
        var uncovered = _uncoveredThisPass ??= await coverage.UncoveredAsync(cancellationToken);
        foreach (var id in _noAgentSince.Keys.Except(uncovered.Select(u => u.Id)).ToList()) _noAgentSince.Remove(id);
        foreach (var location in uncovered) _noAgentSince.TryAdd(location.Id, now);
        var watched = rule.Location is { } name
            ? uncovered.Where(u => ProbeLocation.KeyOf(u.Name) == ProbeLocation.KeyOf(name))
            : uncovered.Where(u => u.Tests > 0);
        return watched.Where(u => now - _noAgentSince[u.Id] >= TimeSpan.FromMinutes(rule.ForMinutes ?? 0))
            .Select(u => new Finding($"location:{u.Id}", $"location {u.Name}", $"/settings/probe-locations/{u.Id}",
                $"{u.Name} has had no live probe agent for {rule.ForMinutes} min: {u.Tests} enabled test{(u.Tests == 1 ? "" : "s")} run from nowhere there"))
            .ToList();
    }

    private static Finding TestFinding(SyntheticTest test, string what) =>
        new($"test:{test.Id}", $"test {test.Id} ({test.Name})", $"/synthetic/{test.Id}", $"{test.Name}: {what}");

    private static string Label(string instanceId, string name) => string.IsNullOrEmpty(name) ? instanceId : $"{instanceId} ({name})";

    /// <summary>An instance rule's scope: by instance id, else by tag, else every instance (the wall asks it too).</summary>
    internal static bool Matches(AlertRule rule, string instanceId, IReadOnlyDictionary<string, string> tags) =>
        rule.InstanceId is { } id ? id == instanceId : rule.Tag is null || HasTag(tags, rule.Tag);

    private static bool Matches(AlertRule rule, SyntheticTest test) =>
        rule.TestId is { } id ? id == test.Id : rule.Tag is null || HasTag(test.Tags, rule.Tag);

    /// <summary>"key=value" (or "key=" for any value) against a set of tags.</summary>
    public static bool HasTag(IReadOnlyDictionary<string, string> tags, string tag)
    {
        var at = tag.IndexOf('=');
        var key = at < 0 ? tag : tag[..at];
        var value = at < 0 ? "" : tag[(at + 1)..];
        return tags.TryGetValue(key, out var actual) && (value.Length == 0 || actual == value);
    }
}
