using System.Diagnostics;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts;

/// <summary>
/// Evaluates every enabled rule on a timer and at once after new probe results or fleet changes,
/// and moves alerts through their lifecycle: opens one per rule and subject (never a duplicate
/// while one is open), resolves it when the condition clears, holds a flapping one, skips subjects
/// in a maintenance window, and hands every change to the notifier. The only writer of alerts:
/// acknowledgements go through it too, so an ack and a resolve never race. Every node runs one, and the
/// database keeps them from doubling up: an alert opens once per rule and subject (a unique index on open
/// alerts: the node whose insert loses adopts the winner's alert), and a resolve or an acknowledgement is a
/// conditional update, so each change is made, and notified, by one node. On PostgreSQL the evaluation itself is
/// the cluster's <see cref="AlertEvaluationJob"/> (one node at a time), working from the rules and open alerts as
/// stored, and this engine's loop only asks for a run when this node stores results or sees the fleet change.
/// After each evaluation it sends the reminders and escalation steps that fell due (<see cref="AlertFollowUps"/>).
/// </summary>
public sealed class AlertEngine(
    IDbContextFactory<ConsoleDbContext> contexts,
    AlertEvaluator evaluator,
    AlertBoard board,
    IAlertNotifier notifier,
    LiveFeed feed,
    ProbeResultWriter results,
    IOptionsMonitor<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEngine> logger,
    AlertFollowUps followUps,
    ClusteredAlertEvaluation? clustered = null) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>
    /// Evaluations woken by events (on PostgreSQL: asks for one) start at most this often. At scale results are stored in
    /// batches several times a second and one evaluation judges them all; on PostgreSQL each ask is a trigger written to,
    /// locked in and fired from Quartz's clustered store (the soak's profile found those asks the database's biggest cost).
    /// </summary>
    private static readonly TimeSpan WakeSpacing = TimeSpan.FromSeconds(1);
    private List<AlertRule> _rules = [];
    private readonly List<IDisposable> _subscriptions = [];

    /// <summary>Evaluations finished since start (tests wait on it).</summary>
    public long Evaluations { get; private set; }

    /// <summary>Asks for an evaluation as soon as possible (several asks become one).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            board.Load(await db.Alerts.AsNoTracking().Where(a => a.Status != AlertStatus.Resolved).ToListAsync(cancellationToken));
            _rules = await db.AlertRules.AsNoTracking().ToListAsync(cancellationToken);
        }
        results.BatchStored += OnResults;
        _subscriptions.Add(feed.Subscribe<FleetChanged>(clustered is null ? _ => { Wake(); return Task.CompletedTask; } : OnClusterFleetChangedAsync));
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        results.BatchStored -= OnResults;
        foreach (var subscription in _subscriptions) subscription.Dispose();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Cluster: every node follows the fleet (its own polls and the changes other nodes tell), so whichever node
    /// evaluates next knows since when an instance has been impaired or that it left.
    /// </summary>
    private async Task OnClusterFleetChangedAsync(FleetChanged _)
    {
        await _gate.WaitAsync();
        try { evaluator.TrackFleet(); }
        finally { _gate.Release(); }
        Wake();
    }

    private void OnResults(IReadOnlyList<ProbeResult> stored)
    {
        var rules = _rules;
        // No rule judges test results: nothing in them can open or resolve an alert (the timer still evaluates the rest).
        if (!rules.Any(r => r.Enabled && r.JudgesTestResults)) return;
        // Cluster: the evaluator reads the spells from the stored results of every node; nothing to remember here.
        if (clustered is not null)
        {
            Wake();
            return;
        }
        _gate.Wait();
        try { evaluator.Observe(stored, rules.Where(r => r.Enabled).ToList()); }
        finally { _gate.Release(); }
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (clustered is not null)
        {
            await RequestEvaluationsAsync(clustered, stoppingToken);
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var began = Stopwatch.GetTimestamp();
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(error, "Alert evaluation failed; trying again at the next interval");
            }
            try
            {
                if (await _wake.WaitAsync(TimeSpan.FromSeconds(options.CurrentValue.EvaluateSeconds), stoppingToken)
                    && Stopwatch.GetElapsedTime(began) is var since && since < WakeSpacing)
                {
                    await Task.Delay(WakeSpacing - since, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Cluster: each wake becomes one ask for the cluster's evaluation job (asks made while one is on its way are one).</summary>
    private async Task RequestEvaluationsAsync(ClusteredAlertEvaluation cluster, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(stoppingToken);
                await cluster.RequestAsync(stoppingToken);
                await Task.Delay(WakeSpacing, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The database is away for a moment: the repeating trigger still evaluates once it is back.
                logger.LogWarning(error, "Could not ask the cluster for an alert evaluation");
            }
        }
    }

    /// <summary>The rules changed (saved or deleted): re-read them and evaluate.</summary>
    public async Task RulesChangedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        _rules = await db.AlertRules.AsNoTracking().ToListAsync(cancellationToken);
        Wake();
    }

    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        var changed = new List<Alert>();
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            evaluator.BeginPass();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.StartsAt <= now && w.EndsAt > now).ToListAsync(cancellationToken);
            // Cluster: judged from the shared truth, not from what this node's notices have told it so far.
            if (clustered is not null) _rules = await db.AlertRules.AsNoTracking().ToListAsync(cancellationToken);
            var open = new OpenAlerts(clustered is null ? board.Open
                : await db.Alerts.AsNoTracking().Where(a => a.Status != AlertStatus.Resolved).ToListAsync(cancellationToken));
            var seen = new List<long>();
            var rules = _rules;
            foreach (var rule in rules.Where(r => r.Enabled))
            {
                var findings = (await evaluator.EvaluateAsync(rule, cancellationToken)).DistinctBy(f => f.SubjectKey).ToDictionary(f => f.SubjectKey);
                foreach (var finding in findings.Values)
                {
                    if (open.For(rule.Id, finding.SubjectKey) is { } already)
                    {
                        already.LastSeenAt = now;
                        seen.Add(already.Id);
                        continue;
                    }
                    if (windows.Any(w => w.Silences(rule.Id, finding.InstanceTags))) continue;
                    var opened = await OpenAsync(db, rule, finding, now, cancellationToken) ?? board.OpenFor(rule.Id, finding.SubjectKey)!;
                    open.Set(opened);
                    changed.Add(opened);
                }
                foreach (var stale in open.All.Where(a => a.RuleId == rule.Id && !findings.ContainsKey(a.SubjectKey)).ToList())
                {
                    if (stale.Flapping && now - stale.LastSeenAt < TimeSpan.FromMinutes(options.CurrentValue.FlapQuietMinutes)) continue;
                    changed.Add(open.Set(await ResolveAsync(db, stale, now, "condition cleared", cancellationToken)));
                }
            }
            // Alerts of rules that were deleted or disabled resolve: nothing watches their condition any more.
            foreach (var orphan in open.All.Where(a => rules.All(r => r.Id != a.RuleId || !r.Enabled)).ToList())
            {
                changed.Add(open.Set(await ResolveAsync(db, orphan, now, "rule deleted or disabled", cancellationToken)));
            }
            if (clustered is not null) await RecordSeenAsync(db, seen, now);
            Evaluations++;
        }
        finally
        {
            _gate.Release();
        }
        if (changed.Count > 0) feed.Publish(new AlertsChanged(changed));
        // Reminders and escalation steps now due (each claimed on its alert row, so sent once even if another node runs this too).
        await followUps.RunAsync(cancellationToken);
    }

    /// <summary>Acknowledges a firing alert; false when there is no such open alert.</summary>
    public async Task<Alert?> AcknowledgeAsync(long id, string by, string? comment, CancellationToken cancellationToken)
    {
        Alert? alert;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var at = time.GetUtcNow().UtcDateTime;
            var note = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
            // Only a firing alert: another node may have resolved or acknowledged it a moment ago.
            var acknowledged = await db.Alerts.Where(a => a.Id == id && a.Status == AlertStatus.Firing).ExecuteUpdateAsync(set => set
                .SetProperty(a => a.Status, AlertStatus.Acknowledged)
                .SetProperty(a => a.AcknowledgedAt, at)
                .SetProperty(a => a.AcknowledgedBy, by)
                .SetProperty(a => a.AcknowledgeComment, note), CancellationToken.None) == 1;
            alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, CancellationToken.None);
            if (alert is null) return null;
            board.Set(alert);
            if (!acknowledged) return alert;
            Notify(alert, $"acknowledged by {by}{(alert.AcknowledgeComment is null ? "" : $": {alert.AcknowledgeComment}")}");
        }
        finally
        {
            _gate.Release();
        }
        feed.Publish(new AlertsChanged([alert]));
        return alert;
    }

    /// <summary>Opens the alert and notifies; null when another node opened it first (its alert is then on the board).</summary>
    private async Task<Alert?> OpenAsync(ConsoleDbContext db, AlertRule rule, Finding finding, DateTime now, CancellationToken cancellationToken)
    {
        // Opened by another node since this node's board last heard: show theirs (the index below settles a true race).
        if (await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.RuleId == rule.Id && a.SubjectKey == finding.SubjectKey
            && a.Status != AlertStatus.Resolved, cancellationToken) is { } existing)
        {
            board.Set(existing);
            return null;
        }
        var hourAgo = now.AddHours(-1);
        var recentClears = await db.Alerts.CountAsync(a => a.RuleId == rule.Id && a.SubjectKey == finding.SubjectKey && a.ResolvedAt >= hourAgo, cancellationToken);
        var flapping = recentClears >= options.CurrentValue.FlapLimit;
        var alert = new Alert
        {
            RuleId = rule.Id,
            RuleName = rule.Name,
            Severity = rule.Severity,
            SubjectKey = finding.SubjectKey,
            Subject = finding.Subject,
            Link = finding.Link,
            Summary = flapping ? $"flapping ({recentClears} clears in the last hour), held: {finding.Summary}" : finding.Summary,
            Status = AlertStatus.Firing,
            Flapping = flapping,
            FiredAt = now,
            LastSeenAt = now,
        };
        db.Alerts.Add(alert);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // The unique index on open alerts turned this insert away when another node opened it (and notified).
            if (await OpenedElsewhereAsync(db, alert) is not { } theirs) throw;
            board.Set(theirs);
            return null;
        }
        board.Set(alert);
        logger.LogWarning("Alert {AlertId} firing: {Rule} — {Summary}", alert.Id, rule.Name, alert.Summary);
        Notify(alert, null);
        return alert;
    }

    /// <summary>
    /// Cluster: when an open alert's condition last held is stored, so the node judging next holds a flapping alert
    /// as long as the one before would have (this node's board shows it too).
    /// </summary>
    private async Task RecordSeenAsync(ConsoleDbContext db, List<long> seen, DateTime now)
    {
        if (seen.Count == 0) return;
        await db.Alerts.Where(a => seen.Contains(a.Id) && a.Status != AlertStatus.Resolved)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.LastSeenAt, now), CancellationToken.None);
        foreach (var id in seen)
        {
            if (board.Open.FirstOrDefault(a => a.Id == id) is { } shown) shown.LastSeenAt = now;
        }
    }

    /// <summary>The open alerts one evaluation works on, by rule and subject (the board's, or on a cluster the stored ones).</summary>
    private sealed class OpenAlerts
    {
        private readonly Dictionary<(int Rule, string Subject), Alert> _open = [];

        public OpenAlerts(IEnumerable<Alert> open)
        {
            foreach (var alert in open) Set(alert);
        }

        public IEnumerable<Alert> All => _open.Values;

        public Alert? For(int ruleId, string subjectKey) => _open.GetValueOrDefault((ruleId, subjectKey));

        public Alert Set(Alert alert)
        {
            if (alert.IsOpen) _open[(alert.RuleId, alert.SubjectKey)] = alert;
            else _open.Remove((alert.RuleId, alert.SubjectKey));
            return alert;
        }
    }

    private async Task<Alert?> OpenedElsewhereAsync(ConsoleDbContext db, Alert refused)
    {
        db.Entry(refused).State = EntityState.Detached;
        return await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.RuleId == refused.RuleId && a.SubjectKey == refused.SubjectKey
            && a.Status != AlertStatus.Resolved, CancellationToken.None);
    }

    private async Task<Alert> ResolveAsync(ConsoleDbContext db, Alert open, DateTime now, string why, CancellationToken cancellationToken)
    {
        // Only if still open: another node may have resolved it already (and notified).
        var resolved = await db.Alerts.Where(a => a.Id == open.Id && a.Status != AlertStatus.Resolved).ExecuteUpdateAsync(set => set
            .SetProperty(a => a.Status, AlertStatus.Resolved)
            .SetProperty(a => a.ResolvedAt, now)
            .SetProperty(a => a.LastSeenAt, open.LastSeenAt), CancellationToken.None) == 1;
        var alert = await db.Alerts.AsNoTracking().FirstAsync(a => a.Id == open.Id, cancellationToken);
        board.Set(alert);
        if (!resolved) return alert;
        logger.LogInformation("Alert {AlertId} resolved ({Why}): {Rule}", alert.Id, why, alert.RuleName);
        Notify(alert, why);
        return alert;
    }

    private void Notify(Alert alert, string? note) =>
        notifier.Enqueue(AlertMessages.For(alert, time.GetUtcNow().UtcDateTime, note), AlertMessages.Recipients(_rules.FirstOrDefault(r => r.Id == alert.RuleId), alert));
}
