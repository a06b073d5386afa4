using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.StatusPages;

public enum SaveOutcome
{
    Saved,
    Invalid,
    NotFound,
    /// <summary>Publishing (or unpublishing, or deleting a published page) needs an Admin.</summary>
    Forbidden,
}

public sealed record SaveResult<T>(SaveOutcome Outcome, T? Value, IReadOnlyDictionary<string, string[]> Errors)
{
    public static SaveResult<T> Invalid(Dictionary<string, string[]> errors) => new(SaveOutcome.Invalid, default, errors);
    public static SaveResult<T> NotFound { get; } = new(SaveOutcome.NotFound, default, new Dictionary<string, string[]>());
    public static SaveResult<T> Forbidden { get; } = new(SaveOutcome.Forbidden, default, new Dictionary<string, string[]>());
    public static SaveResult<T> Saved(T value) => new(SaveOutcome.Saved, value, new Dictionary<string, string[]>());
}

/// <summary>
/// Status pages, their components and incidents for the API and the pages. Operators edit, Admins publish; every
/// change is in the access log, drops the cached public views at once and is published on the LiveFeed.
/// </summary>
public sealed class StatusPageService(
    IDbContextFactory<ConsoleDbContext> contexts,
    StatusViewCache cache,
    ComponentStateRules rules,
    AuditLog audit,
    LiveFeed feed,
    Subscriptions.SubscriptionService subscriptions,
    TimeProvider time,
    ILogger<StatusPageService> logger)
{
    public async Task<List<StatusPage>> PagesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.StatusPages.AsNoTracking().Include(p => p.Components).OrderBy(p => p.Title).ToListAsync(cancellationToken);
    }

    public async Task<StatusPage?> PageAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.StatusPages.AsNoTracking().Include(p => p.Components).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
    }

    /// <summary>Each component's state now (as the public page shows it).</summary>
    public async Task<Dictionary<int, ComponentState>> StatesAsync(StatusPage page, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (windows, windowRules) = await ComponentStateRules.MaintenanceAsync(db, now, cancellationToken);
        return page.Components.ToDictionary(c => c.Id, c => rules.Derive(c, windows, windowRules, now));
    }

    public async Task<SaveResult<StatusPage>> CreateAsync(StatusPageInput input, Caller caller, CancellationToken cancellationToken)
    {
        if (input.Published == true && !ConsoleRoles.CanAdminister(caller.User))
        {
            await AuditAsync(caller, "status-page.create", input.Slug ?? "", "refused: only an Admin publishes");
            return SaveResult<StatusPage>.Forbidden;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var page = new StatusPage { Slug = "", Title = "" };
        var errors = StatusPageValidator.Apply(input, page, isNew: true, await TestIdsAsync(db, input, cancellationToken), await SlugsAsync(db, 0, cancellationToken));
        if (errors.Count > 0)
        {
            await AuditAsync(caller, "status-page.create", input.Slug ?? "", Refused(errors));
            return SaveResult<StatusPage>.Invalid(errors);
        }
        page.CreatedAt = page.UpdatedAt = time.GetUtcNow().UtcDateTime;
        db.StatusPages.Add(page);
        if (!await TrySaveAsync(db, errors))
        {
            await AuditAsync(caller, "status-page.create", input.Slug ?? "", Refused(errors));
            return SaveResult<StatusPage>.Invalid(errors);
        }
        await ChangedAsync(page.Id);
        await AuditAsync(caller, "status-page.create", $"{page.Id} ({page.Slug})", page.Published ? "ok (published)" : "ok");
        return SaveResult<StatusPage>.Saved(page);
    }

    public async Task<SaveResult<StatusPage>> UpdateAsync(int id, StatusPageInput input, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var page = await db.StatusPages.Include(p => p.Components).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (page is null)
        {
            await AuditAsync(caller, "status-page.update", id.ToString(), "refused: no such page");
            return SaveResult<StatusPage>.NotFound;
        }
        if (input.Published is { } published && published != page.Published && !ConsoleRoles.CanAdminister(caller.User))
        {
            await AuditAsync(caller, "status-page.update", $"{id} ({page.Slug})", "refused: only an Admin publishes or unpublishes");
            return SaveResult<StatusPage>.Forbidden;
        }
        var wasPublished = page.Published;
        var errors = StatusPageValidator.Apply(input, page, isNew: false, await TestIdsAsync(db, input, cancellationToken), await SlugsAsync(db, id, cancellationToken));
        if (errors.Count == 0)
        {
            page.UpdatedAt = time.GetUtcNow().UtcDateTime;
            if (await TrySaveAsync(db, errors)) await ChangedAsync(page.Id);
        }
        await AuditAsync(caller, "status-page.update", $"{id} ({page.Slug})", errors.Count > 0 ? Refused(errors)
            : page.Published != wasPublished ? (page.Published ? "ok (published)" : "ok (unpublished)") : "ok");
        return errors.Count > 0 ? SaveResult<StatusPage>.Invalid(errors) : SaveResult<StatusPage>.Saved(page);
    }

    public async Task<SaveOutcome> DeleteAsync(int id, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var page = await db.StatusPages.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        var outcome = page is null ? SaveOutcome.NotFound
            : page.Published && !ConsoleRoles.CanAdminister(caller.User) ? SaveOutcome.Forbidden : SaveOutcome.Saved;
        if (outcome == SaveOutcome.Saved)
        {
            db.StatusPages.Remove(page!);
            await db.SaveChangesAsync(CancellationToken.None);
            await ChangedAsync(id);
        }
        await AuditAsync(caller, "status-page.delete", page is null ? id.ToString() : $"{id} ({page.Slug})", outcome switch
        {
            SaveOutcome.Saved => "ok",
            SaveOutcome.NotFound => "refused: no such page",
            _ => "refused: only an Admin deletes a published page",
        });
        return outcome;
    }

    public async Task<List<Incident>?> IncidentsAsync(int pageId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.StatusPages.AnyAsync(p => p.Id == pageId, cancellationToken)) return null;
        var since = time.GetUtcNow().UtcDateTime.AddDays(-PublicStatusView.HistoryDays);
        return await db.Incidents.AsNoTracking().Include(i => i.Updates)
            .Where(i => i.PageId == pageId && (i.CreatedAt >= since || i.ResolvedAt == null))
            .OrderByDescending(i => i.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<SaveResult<Incident>> OpenIncidentAsync(int pageId, IncidentInput input, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var page = await db.StatusPages.AsNoTracking().Include(p => p.Components).FirstOrDefaultAsync(p => p.Id == pageId, cancellationToken);
        if (page is null)
        {
            await AuditAsync(caller, "incident.open", $"page {pageId}", "refused: no such page");
            return SaveResult<Incident>.NotFound;
        }
        var errors = StatusPageValidator.CheckIncident(input, page.Components.Select(c => c.Id).ToHashSet());
        if (errors.Count > 0)
        {
            await AuditAsync(caller, "incident.open", $"page {pageId} ({page.Slug})", Refused(errors));
            return SaveResult<Incident>.Invalid(errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var status = StatusNames.ParseStatus(input.Status) ?? IncidentStatus.Investigating;
        var incident = new Incident
        {
            PageId = pageId, Title = input.Title!.Trim(), Impact = StatusNames.ParseImpact(input.Impact)!.Value, Status = status,
            ComponentIds = (input.ComponentIds ?? []).Distinct().ToList(), AlertId = input.AlertId, CreatedAt = now, UpdatedAt = now,
            ResolvedAt = status == IncidentStatus.Resolved ? now : null, CreatedBy = caller.Name,
            Updates = [new IncidentUpdate { Status = status, Message = input.Message!.Trim(), At = now, Author = caller.Name }],
        };
        db.Incidents.Add(incident);
        await db.SaveChangesAsync(CancellationToken.None);
        await ChangedAsync(pageId);
        await AuditAsync(caller, "incident.open", $"incident {incident.Id} on page {pageId} ({page.Slug})", $"ok ({StatusNames.Of(status)})");
        await NotifySubscribersAsync(pageId, incident, incident.Updates[0], status == IncidentStatus.Resolved ? "resolved" : "opened");
        return SaveResult<Incident>.Saved(incident);
    }

    public async Task<SaveResult<Incident>> PostUpdateAsync(int pageId, int incidentId, IncidentUpdateInput input, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var incident = await db.Incidents.Include(i => i.Updates).FirstOrDefaultAsync(i => i.Id == incidentId && i.PageId == pageId, cancellationToken);
        if (incident is null)
        {
            await AuditAsync(caller, "incident.update", $"incident {incidentId} on page {pageId}", "refused: no such incident");
            return SaveResult<Incident>.NotFound;
        }
        var errors = StatusPageValidator.CheckUpdate(input);
        if (errors.Count > 0)
        {
            await AuditAsync(caller, "incident.update", $"incident {incidentId} on page {pageId}", Refused(errors));
            return SaveResult<Incident>.Invalid(errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var status = StatusNames.ParseStatus(input.Status)!.Value;
        incident.Updates.Add(new IncidentUpdate { Status = status, Message = input.Message!.Trim(), At = now, Author = caller.Name });
        incident.Status = status;
        incident.UpdatedAt = now;
        // Resolved stays resolved at its first time; an update after it that is not "resolved" reopens the incident.
        incident.ResolvedAt = status == IncidentStatus.Resolved ? incident.ResolvedAt ?? now : null;
        await db.SaveChangesAsync(CancellationToken.None);
        await ChangedAsync(pageId);
        await AuditAsync(caller, "incident.update", $"incident {incidentId} on page {pageId}", $"ok ({StatusNames.Of(status)})");
        await NotifySubscribersAsync(pageId, incident, incident.Updates[^1], status == IncidentStatus.Resolved ? "resolved" : "updated");
        return SaveResult<Incident>.Saved(incident);
    }

    /// <summary>Sets a component's state by hand for a while (null input: back to the derived state).</summary>
    public async Task<SaveResult<StatusComponent>> SetManualStateAsync(int pageId, int componentId, ManualStateInput? input, Caller caller, CancellationToken cancellationToken)
    {
        var action = input is null ? "status-component.manual-clear" : "status-component.manual-set";
        var target = $"component {componentId} on page {pageId}";
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var component = await db.StatusComponents.FirstOrDefaultAsync(c => c.Id == componentId && c.PageId == pageId, cancellationToken);
        if (component is null)
        {
            await AuditAsync(caller, action, target, "refused: no such component");
            return SaveResult<StatusComponent>.NotFound;
        }
        if (input is not null && StatusPageValidator.CheckManual(input) is { Count: > 0 } errors)
        {
            await AuditAsync(caller, action, target, Refused(errors));
            return SaveResult<StatusComponent>.Invalid(errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        component.ManualState = input is null ? null : StatusNames.ParseState(input.State);
        component.ManualUntil = input is null ? null : now.AddMinutes(input.Minutes!.Value);
        component.ManualNote = input?.Note?.Trim() is { Length: > 0 } note ? note : null;
        component.ManualBy = input is null ? null : caller.Name;
        await db.SaveChangesAsync(CancellationToken.None);
        await ChangedAsync(pageId);
        await AuditAsync(caller, action, target, input is null ? "ok" : $"ok ({input.State} for {input.Minutes} min)");
        return SaveResult<StatusComponent>.Saved(component);
    }

    /// <summary>
    /// An incident prefilled from an alert: its rule's name as the title, the impact from its severity, and the
    /// components of each page whose members include the alert's subject. The message names no internal detail.
    /// </summary>
    public async Task<(IncidentInput Draft, Dictionary<int, List<int>> ComponentsByPage)?> DraftFromAlertAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken) is not { } alert) return null;
        var pages = await db.StatusPages.AsNoTracking().Include(p => p.Components).ToListAsync(cancellationToken);
        var affected = pages.ToDictionary(p => p.Id, p => p.Components.Where(c => Concerns(c, alert.SubjectKey)).Select(c => c.Id).ToList());
        var names = pages.SelectMany(p => p.Components).Where(c => affected[c.PageId].Contains(c.Id)).Select(c => c.Name).Distinct().ToList();
        var impact = alert.Severity switch { AlertSeverity.Critical => "major", AlertSeverity.Warning => "minor", _ => "none" };
        var message = names.Count > 0
            ? $"We are investigating a problem with {string.Join(", ", names)}."
            : "We are investigating a problem.";
        return (new IncidentInput(alert.RuleName, impact, "investigating", message, null, alert.Id), affected);
    }

    private bool Concerns(StatusComponent component, string subjectKey) => subjectKey switch
    {
        _ when subjectKey.StartsWith("test:") && int.TryParse(subjectKey[5..], out var testId) => component.TestIds.Contains(testId),
        _ when subjectKey.StartsWith("instance:") => rules.MembersOf(component).Any(m => m.Instance.InstanceId == subjectKey[9..]) || component.InstanceIds.Contains(subjectKey[9..]),
        _ => false,
    };

    /// <summary>The incident is saved whatever happens here: a failure to queue the subscribers' messages is logged, not thrown.</summary>
    private async Task NotifySubscribersAsync(int pageId, Incident incident, IncidentUpdate update, string @event)
    {
        try
        {
            await subscriptions.NotifyAsync(pageId, incident, update, @event, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Status page {PageId}: the subscribers' messages for incident {IncidentId} could not be queued", pageId, incident.Id);
        }
    }

    private async Task ChangedAsync(int pageId)
    {
        await cache.InvalidateAsync();
        feed.Publish(new StatusPageChanged(pageId));
    }

    private static async Task<bool> TrySaveAsync(ConsoleDbContext db, Dictionary<string, string[]> errors)
    {
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return true;
        }
        catch (DbUpdateException)
        {
            // Two saves with the same slug at once: the unique index refuses the second.
            errors["slug"] = ["Another status page already has this slug."];
            return false;
        }
    }

    private static async Task<HashSet<int>> TestIdsAsync(ConsoleDbContext db, StatusPageInput input, CancellationToken cancellationToken)
    {
        var wanted = (input.Components ?? []).Where(c => c?.TestIds is not null).SelectMany(c => c.TestIds!).Distinct().ToList();
        var known = wanted.Count == 0 ? [] : await db.SyntheticTests.Where(t => wanted.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken);
        return known.ToHashSet();
    }

    private static async Task<HashSet<string>> SlugsAsync(ConsoleDbContext db, int exceptId, CancellationToken cancellationToken) =>
        (await db.StatusPages.Where(p => p.Id != exceptId).Select(p => p.Slug).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    private static string Refused(IReadOnlyDictionary<string, string[]> errors) => "refused: " + string.Join(" ", errors.Keys);

    private Task AuditAsync(Caller caller, string action, string target, string result) =>
        audit.WriteAsync(caller.Name, caller.Address, action, target, result, CancellationToken.None);
}
