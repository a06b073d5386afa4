using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Alerts;

/// <summary>Published after a reminder or an escalation step of an alert was sent (the alert's page shows it).</summary>
public sealed record AlertFollowUpSent(long AlertId);

/// <summary>
/// What follows a firing alert nobody acknowledged: its rule's reminders (every RepeatEveryMinutes) and escalation
/// steps (AfterMinutes since it fired). Run after every evaluation, so on a cluster by the node that evaluates. Each
/// message is claimed on the alert row before it is queued: a conditional update that moves RemindersSent (or
/// EscalationStep) from the count this node read to the next, only while the alert is still firing. So with several
/// nodes (or a run that overlaps another) each reminder and step is sent once, and an acknowledgement or a resolve that
/// comes first stops it. A maintenance window that silences the rule (or the instance, by tag) holds them while it is
/// on: the reminders resume after it, and a step that fell due meanwhile goes out then.
/// </summary>
public sealed class AlertFollowUps(
    IDbContextFactory<ConsoleDbContext> contexts,
    AlertBoard board,
    FleetSnapshot fleet,
    IAlertNotifier notifier,
    LiveFeed feed,
    TimeProvider time,
    ILogger<AlertFollowUps> logger)
{
    /// <summary>Sends every reminder and escalation step due now; returns how many this node sent.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rules = await db.AlertRules.AsNoTracking().Where(r => r.Enabled).ToDictionaryAsync(r => r.Id, cancellationToken);
        var following = rules.Values.Where(r => r.RepeatEveryMinutes > 0 || r.Escalation.Count > 0).Select(r => r.Id).ToList();
        if (following.Count == 0) return 0;
        var firing = await db.Alerts.AsNoTracking().Where(a => a.Status == AlertStatus.Firing && following.Contains(a.RuleId)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.StartsAt <= now && w.EndsAt > now).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var alert in firing)
        {
            var rule = rules[alert.RuleId];
            if (windows.Any(w => w.Silences(rule.Id, InstanceTags(alert)))) continue;
            var changed = await EscalateAsync(db, rule, alert) | await RemindAsync(db, rule, alert);
            if (!changed) continue;
            sent++;
            board.Set(await db.Alerts.AsNoTracking().FirstAsync(a => a.Id == alert.Id, CancellationToken.None));
            feed.Publish(new AlertFollowUpSent(alert.Id));
        }
        return sent;
    }

    /// <summary>The tags of the instance an alert is about, as the fleet has them now (null for other subjects).</summary>
    private IReadOnlyDictionary<string, string>? InstanceTags(Alert alert) =>
        alert.SubjectKey.StartsWith("instance:", StringComparison.Ordinal) ? fleet.Find(alert.SubjectKey["instance:".Length..])?.Tags : null;

    /// <summary>When the next reminder of a firing alert falls due (null: the rule sends none).</summary>
    public static DateTime? NextReminderAt(AlertRule rule, Alert alert) =>
        rule.RepeatEveryMinutes is > 0 and var minutes ? (alert.LastRemindedAt ?? alert.FiredAt).AddMinutes(minutes) : null;

    /// <summary>Every step due now that no node has sent yet, in order; stops at the first step another node claimed.</summary>
    private async Task<bool> EscalateAsync(ConsoleDbContext db, AlertRule rule, Alert alert)
    {
        var any = false;
        var now = time.GetUtcNow().UtcDateTime;
        var steps = rule.Escalation;
        for (var step = alert.EscalationStep; step < steps.Count && now >= alert.FiredAt.AddMinutes(steps[step].AfterMinutes); step++)
        {
            var record = new EscalationSent { Step = step + 1, At = now, ChannelIds = [.. steps[step].ChannelIds] };
            List<EscalationSent> escalations = [.. alert.Escalations, record];
            // The claim: only from the step this node read, only while nobody acknowledged or resolved it.
            var claimed = await db.Alerts.Where(a => a.Id == alert.Id && a.Status == AlertStatus.Firing && a.EscalationStep == step)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.EscalationStep, step + 1).SetProperty(a => a.Escalations, escalations), CancellationToken.None) == 1;
            if (!claimed) break;
            alert.EscalationStep = step + 1;
            alert.Escalations = escalations;
            any = true;
            logger.LogWarning("Alert {AlertId} escalated (step {Step}, not acknowledged after {Minutes} min) to channels {Channels}",
                alert.Id, step + 1, steps[step].AfterMinutes, string.Join(", ", record.ChannelIds));
            notifier.Enqueue(AlertMessages.For(alert, now, $"escalated: not acknowledged after {steps[step].AfterMinutes} min"), record.ChannelIds);
        }
        return any;
    }

    private async Task<bool> RemindAsync(ConsoleDbContext db, AlertRule rule, Alert alert)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (NextReminderAt(rule, alert) is not { } due || now < due) return false;
        var count = alert.RemindersSent + 1;
        var claimed = await db.Alerts.Where(a => a.Id == alert.Id && a.Status == AlertStatus.Firing && a.RemindersSent == alert.RemindersSent)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.RemindersSent, count).SetProperty(a => a.LastRemindedAt, now), CancellationToken.None) == 1;
        if (!claimed) return false;
        logger.LogInformation("Alert {AlertId} reminder {Count}: still firing, not acknowledged", alert.Id, count);
        var minutes = (int)(now - alert.FiredAt).TotalMinutes;
        notifier.Enqueue(AlertMessages.For(alert, now, $"reminder {count}: still firing after {minutes} min, not acknowledged", count),
            AlertMessages.Recipients(rule, alert));
        return true;
    }
}
