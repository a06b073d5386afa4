using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Alerts;

public sealed record RuleSaveResult(AlertRule? Rule, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool NotFound => Rule is null && Errors.Count == 0;
}

/// <summary>Published after a rule was created, edited or deleted (the engine already re-read them); other nodes re-read theirs.</summary>
public sealed record AlertRulesChanged(int RuleId);

/// <summary>
/// Published after a maintenance window was created or deleted: the status pages' caches drop their views at once (a
/// page shows current and upcoming windows), open status pages re-read their states, other nodes are told.
/// </summary>
public sealed record MaintenanceWindowsChanged(int WindowId);

public enum AckOutcome
{
    Acknowledged,
    NotFound,
    AlreadyResolved,
}

/// <summary>Rules, alerts and maintenance windows for the API and the pages; every change is audited.</summary>
public sealed class AlertService(
    IDbContextFactory<ConsoleDbContext> contexts,
    AlertRuleValidator validator,
    ProbeCatalog tests,
    AlertEngine engine,
    AuditLog audit,
    LiveFeed feed,
    TimeProvider time)
{
    public async Task<List<AlertRule>> RulesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AlertRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken);
    }

    public async Task<AlertRule?> RuleAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    /// <summary>A test another node created a moment ago may not be in this node's catalog yet (its notice is on its way): read it.</summary>
    private async Task KnowTestAsync(AlertRuleDto input, CancellationToken cancellationToken)
    {
        if (input.TestId is { } id && tests.Find(id) is null) await tests.ReadAsync(contexts, id, cancellationToken);
    }

    public async Task<RuleSaveResult> CreateRuleAsync(AlertRuleDto input, Caller caller, CancellationToken cancellationToken)
    {
        var rule = new AlertRule { Name = "", CreatedBy = caller.Name };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await KnowTestAsync(input, cancellationToken);
        var errors = validator.Apply(input, rule, isNew: true, await ChannelIdsAsync(db, cancellationToken));
        if (errors.Count == 0)
        {
            rule.CreatedAt = rule.UpdatedAt = time.GetUtcNow().UtcDateTime;
            db.AlertRules.Add(rule);
            await db.SaveChangesAsync(CancellationToken.None);
            await engine.RulesChangedAsync(CancellationToken.None);
            feed.Publish(new AlertRulesChanged(rule.Id));
        }
        await AuditAsync(caller, "alert-rule.create", errors.Count == 0 ? rule.Id.ToString() : input.Name ?? "", errors, found: true);
        return new RuleSaveResult(errors.Count == 0 ? rule : null, errors);
    }

    public async Task<RuleSaveResult> UpdateRuleAsync(int id, AlertRuleDto input, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        IReadOnlyDictionary<string, string[]> errors = new Dictionary<string, string[]>();
        if (rule is not null)
        {
            await KnowTestAsync(input, cancellationToken);
            errors = validator.Apply(input, rule, isNew: false, await ChannelIdsAsync(db, cancellationToken));
            if (errors.Count == 0)
            {
                rule.UpdatedAt = time.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync(CancellationToken.None);
                await engine.RulesChangedAsync(CancellationToken.None);
                feed.Publish(new AlertRulesChanged(id));
            }
        }
        await AuditAsync(caller, "alert-rule.update", id.ToString(), errors, rule is not null);
        return new RuleSaveResult(errors.Count == 0 ? rule : null, errors);
    }

    /// <summary>Deletes a rule; its open alerts resolve at the next evaluation, its history stays.</summary>
    public async Task<bool> DeleteRuleAsync(int id, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var deleted = await db.AlertRules.Where(r => r.Id == id).ExecuteDeleteAsync(CancellationToken.None) > 0;
        if (deleted)
        {
            await engine.RulesChangedAsync(CancellationToken.None);
            feed.Publish(new AlertRulesChanged(id));
        }
        await audit.WriteAsync(caller.Name, caller.Address, "alert-rule.delete", id.ToString(), deleted ? "ok" : "refused: no such rule", CancellationToken.None);
        return deleted;
    }

    public async Task<(List<Alert> Items, int Total)> AlertsAsync(bool? open, AlertSeverity? severity, int? ruleId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Alerts.AsNoTracking();
        if (open is true) query = query.Where(a => a.Status != AlertStatus.Resolved);
        if (open is false) query = query.Where(a => a.Status == AlertStatus.Resolved);
        if (severity is not null) query = query.Where(a => a.Severity == severity);
        if (ruleId is not null) query = query.Where(a => a.RuleId == ruleId);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>One alert with its rule's escalation plan and its newest deliveries (at most <see cref="AlertDetailDto.MaxDeliveries"/>); null: no such alert.</summary>
    public async Task<AlertDetailDto?> AlertAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is not { } alert) return null;
        var rule = await db.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == alert.RuleId, cancellationToken);
        var deliveries = await db.NotificationDeliveries.AsNoTracking().Where(d => d.AlertId == id)
            .OrderByDescending(d => d.Id).Take(AlertDetailDto.MaxDeliveries).ToListAsync(cancellationToken);
        var channelIds = deliveries.Where(d => d.ChannelId != null).Select(d => d.ChannelId!.Value).Concat(alert.Escalations.SelectMany(e => e.ChannelIds))
            .Concat(rule?.Escalation.SelectMany(s => s.ChannelIds) ?? []).Distinct().ToList();
        var names = await db.NotificationChannels.AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        return AlertDetailDto.From(alert, rule, deliveries, names);
    }

    public async Task<(AckOutcome Outcome, Alert? Alert)> AcknowledgeAsync(long id, string? comment, Caller caller, CancellationToken cancellationToken)
    {
        var alert = await engine.AcknowledgeAsync(id, caller.Name, comment, cancellationToken);
        var outcome = alert is null ? AckOutcome.NotFound : alert.Status == AlertStatus.Resolved ? AckOutcome.AlreadyResolved : AckOutcome.Acknowledged;
        await audit.WriteAsync(caller.Name, caller.Address, "alert.ack", id.ToString(),
            outcome switch { AckOutcome.Acknowledged => "ok", AckOutcome.NotFound => "refused: no such alert", _ => "refused: already resolved" }, CancellationToken.None);
        return (outcome, alert);
    }

    public async Task<List<MaintenanceWindow>> WindowsAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime.AddDays(-7);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.MaintenanceWindows.AsNoTracking().Where(w => w.EndsAt > since).OrderBy(w => w.StartsAt).ToListAsync(cancellationToken);
    }

    public async Task<(MaintenanceWindow? Window, Dictionary<string, string[]> Errors)> CreateWindowAsync(MaintenanceWindowDto input, Caller caller, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 100) errors["name"] = ["Name is required (at most 100 characters)."];
        if (input.StartsAt is null) errors["startsAt"] = ["Start time is required."];
        if (input.EndsAt is null) errors["endsAt"] = ["End time is required."];
        else if (input.StartsAt is not null && input.EndsAt <= input.StartsAt) errors["endsAt"] = ["The window must end after it starts."];
        else if (input.StartsAt is not null && input.EndsAt - input.StartsAt > TimeSpan.FromDays(31)) errors["endsAt"] = ["A window lasts at most 31 days."];
        var ruleIds = input.RuleIds ?? [];
        var tag = string.IsNullOrWhiteSpace(input.InstanceTag) ? null : input.InstanceTag.Trim();
        if (ruleIds.Count == 0 && tag is null) errors["ruleIds"] = ["Name the rules to silence, or an instance tag, or both."];
        if (tag is not null && tag.IndexOf('=') <= 0) errors["instanceTag"] = ["Tag must be key=value (or key= for any value)."];
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var known = await db.AlertRules.Where(r => ruleIds.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
        if (ruleIds.Except(known).ToList() is { Count: > 0 } unknown) errors["ruleIds"] = [$"No alert rule {string.Join(", ", unknown)}."];

        MaintenanceWindow? window = null;
        if (errors.Count == 0)
        {
            window = new MaintenanceWindow
            {
                Name = input.Name!.Trim(), StartsAt = input.StartsAt!.Value.ToUniversalTime(), EndsAt = input.EndsAt!.Value.ToUniversalTime(),
                RuleIds = ruleIds.Distinct().ToList(), InstanceTag = tag, CreatedBy = caller.Name, CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            db.MaintenanceWindows.Add(window);
            await db.SaveChangesAsync(CancellationToken.None);
            engine.Wake();
            feed.Publish(new MaintenanceWindowsChanged(window.Id));
        }
        await audit.WriteAsync(caller.Name, caller.Address, "maintenance.create", window?.Id.ToString() ?? input.Name ?? "",
            errors.Count == 0 ? "ok" : "refused: " + string.Join(" ", errors.Keys), CancellationToken.None);
        return (window, errors);
    }

    public async Task<bool> DeleteWindowAsync(int id, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var deleted = await db.MaintenanceWindows.Where(w => w.Id == id).ExecuteDeleteAsync(CancellationToken.None) > 0;
        engine.Wake();
        if (deleted) feed.Publish(new MaintenanceWindowsChanged(id));
        await audit.WriteAsync(caller.Name, caller.Address, "maintenance.delete", id.ToString(), deleted ? "ok" : "refused: no such window", CancellationToken.None);
        return deleted;
    }

    private static async Task<List<int>> ChannelIdsAsync(ConsoleDbContext db, CancellationToken cancellationToken) =>
        await db.NotificationChannels.AsNoTracking().Select(c => c.Id).ToListAsync(cancellationToken);

    private Task AuditAsync(Caller caller, string action, string target, IReadOnlyDictionary<string, string[]> errors, bool found) =>
        audit.WriteAsync(caller.Name, caller.Address, action, target,
            !found ? "refused: no such rule" : errors.Count > 0 ? "refused: " + string.Join(" ", errors.Keys) : "ok", CancellationToken.None);
}
