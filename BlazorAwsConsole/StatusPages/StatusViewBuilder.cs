using System.Security.Cryptography;
using System.Text;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.StatusPages;

/// <summary>Reads one page with its components, incidents, active maintenance windows and 90 days of hourly rollups, and derives what it shows.</summary>
public sealed class StatusViewBuilder(IDbContextFactory<ConsoleDbContext> contexts, ComponentStateRules rules, IncidentMarkdown markdown, TimeProvider time)
{
    /// <summary>How far ahead the page lists scheduled maintenance.</summary>
    public const int MaintenanceDaysAhead = 14;

    private int _builds;

    /// <summary>How many times a view was read from the database (the cache tests count it).</summary>
    internal int Builds => Volatile.Read(ref _builds);

    public async Task<PublicStatusView?> BuildAsync(string slug, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _builds);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var page = await db.StatusPages.AsNoTracking().Include(p => p.Components).FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken);
        if (page is null) return null;
        var components = page.Components.OrderBy(c => c.Position).ToList();
        var (windows, windowRules) = await ComponentStateRules.MaintenanceUntilAsync(db, now, now.AddDays(MaintenanceDaysAhead), cancellationToken);
        var maintenance = windows
            .Select(w => new PublicMaintenance(w.Name, Utc(w.StartsAt), Utc(w.EndsAt), w.IsActive(now),
                components.Where(c => rules.Covers(c, w, windowRules)).Select(c => c.Name).ToList()))
            .Where(m => m.Components.Count > 0).ToList();
        windows = windows.Where(w => w.IsActive(now)).ToList();

        var today = DateOnly.FromDateTime(now);
        var firstDay = today.AddDays(1 - PublicStatusView.HistoryDays);
        var since = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var testIds = components.SelectMany(c => c.TestIds).Distinct().ToList();
        var rollups = testIds.Count == 0 ? [] : await db.ProbeRollups.AsNoTracking()
            .Where(r => testIds.Contains(r.TestId) && r.Hour >= since)
            .Select(r => new HourCounts(r.TestId, r.Hour, r.Count, r.Failures, r.Degraded))
            .ToListAsync(cancellationToken);
        var incidentsSince = now.AddDays(-PublicStatusView.HistoryDays);
        var incidents = await db.Incidents.AsNoTracking().Include(i => i.Updates)
            .Where(i => i.PageId == page.Id && (i.CreatedAt >= incidentsSince || i.ResolvedAt == null))
            .OrderByDescending(i => i.CreatedAt).Take(200)
            .ToListAsync(cancellationToken);

        var byTest = rollups.ToLookup(r => r.TestId);
        var names = components.ToDictionary(c => c.Id, c => c.Name);
        var view = new PublicStatusView(page.Slug, page.Title, page.LogoUrl, markdown.ToHtml(page.Description), page.Published, now,
            components.Select(c => new PublicComponent(c.Name, c.Group, c.UrlName, rules.Derive(c, windows, windowRules, now),
                c.ManualState is not null && c.ManualUntil > now ? new PublicManualState(DateTime.SpecifyKind(c.ManualUntil.Value, DateTimeKind.Utc), c.ManualNote) : null,
                History(c.TestIds.SelectMany(t => byTest[t]).ToList(), firstDay, today),
                Uptime(c.TestIds.SelectMany(t => byTest[t]).Where(h => h.Hour >= now.AddDays(-30))))).ToList(),
            incidents.Select(i => new PublicIncident(i.Id, i.Title, i.Impact, i.Status, Utc(i.CreatedAt), Utc(i.UpdatedAt), i.ResolvedAt is { } r ? Utc(r) : null,
                i.ComponentIds.Where(names.ContainsKey).Select(id => names[id]).ToList(),
                i.Updates.OrderByDescending(u => u.At).ThenByDescending(u => u.Id).Select(u => new PublicIncidentUpdate(u.Status, Utc(u.At), markdown.ToHtml(u.Message))).ToList())).ToList(),
            maintenance);
        return view with { Version = VersionOf(view) };
    }

    private sealed record HourCounts(int TestId, DateTime Hour, int Count, int Failures, int Degraded);

    /// <summary>
    /// One cell per day: the worst hour (all runs of the component's tests failed: major outage; some: partial outage;
    /// slow runs: degraded) and the share of runs that passed. A day without rollups has no data.
    /// </summary>
    private static List<HistoryDay> History(List<HourCounts> hours, DateOnly firstDay, DateOnly today)
    {
        var byDay = hours.GroupBy(h => DateOnly.FromDateTime(h.Hour)).ToDictionary(g => g.Key, g => g.ToList());
        var days = new List<HistoryDay>(PublicStatusView.HistoryDays);
        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            if (!byDay.TryGetValue(day, out var dayHours) || dayHours.Sum(h => h.Count) == 0)
            {
                days.Add(new HistoryDay(day, null, null));
                continue;
            }
            var worst = dayHours.GroupBy(h => h.Hour).Select(hour =>
            {
                int count = hour.Sum(h => h.Count), failures = hour.Sum(h => h.Failures), degraded = hour.Sum(h => h.Degraded);
                return count == 0 ? ComponentState.Operational
                    : failures >= count ? ComponentState.MajorOutage
                    : failures > 0 ? ComponentState.PartialOutage
                    : degraded > 0 ? ComponentState.Degraded : ComponentState.Operational;
            }).Max();
            days.Add(new HistoryDay(day, worst, Uptime(dayHours)));
        }
        return days;
    }

    private static double? Uptime(IEnumerable<HourCounts> hours)
    {
        long count = 0, failures = 0;
        foreach (var h in hours) { count += h.Count; failures += h.Failures; }
        return count == 0 ? null : Math.Round(100.0 * (count - failures) / count, 2);
    }

    private static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);

    private static string VersionOf(PublicStatusView view)
    {
        var text = new StringBuilder();
        foreach (var c in view.Components) text.Append(c.Name).Append(c.State).Append(c.Manual?.Until.Ticks).Append(c.Manual?.Note).Append('|');
        foreach (var i in view.Incidents) text.Append(i.Id).Append(i.Status).Append(i.UpdatedAt.Ticks).Append('|');
        foreach (var m in view.Maintenance) text.Append(m.Title).Append(m.StartsAt.Ticks).Append(m.EndsAt.Ticks).Append(m.InProgress).Append(string.Join(',', m.Components)).Append('|');
        text.Append(view.Title).Append(view.DescriptionHtml);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }
}
