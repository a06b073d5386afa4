using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Events;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The receiving half of "live across nodes": re-reads from the database what another node's notice names into
/// this node's in-memory views (probe catalog, fleet snapshot, probe status board, alert board; the settings-like
/// kinds through <see cref="SettingsViews"/>), then publishes the usual LiveFeed event, marked as relayed, so this
/// node's open pages redraw and the outbox does not echo it.
/// </summary>
public sealed class ClusterViews(
    IDbContextFactory<ConsoleDbContext> contexts,
    ProbeCatalog catalog,
    ProbeStatusBoard probeBoard,
    FleetSnapshot snapshot,
    FleetSyncService fleet,
    AlertBoard alertBoard,
    AlertEngine alerts,
    SettingsViews settings,
    EventQueueSupervisor eventQueues,
    LiveFeed feed,
    RelayedEvents relayed,
    ProbeScheduler tests,
    TimeProvider time)
{
    public async Task ApplyAsync(ClusterNotice notice, CancellationToken cancellationToken)
    {
        switch (notice.Kind)
        {
            case NoticeKinds.Tests when notice.All: await ReloadTestsAsync(cancellationToken); break;
            case NoticeKinds.Tests: await ReadTestsAsync(notice.Ids ?? [], cancellationToken); break;
            case NoticeKinds.Results when notice.All: await ReloadResultsAsync(cancellationToken); break;
            case NoticeKinds.Results: await ReadResultsAsync(notice.Ids ?? [], cancellationToken); break;
            case NoticeKinds.Alerts when notice.All: await ReloadAlertsAsync(cancellationToken); break;
            case NoticeKinds.Alerts: await ReadAlertsAsync(notice.Ids ?? [], cancellationToken); break;
            case NoticeKinds.Fleet: await ReadFleetAsync(notice, cancellationToken); break;
            case NoticeKinds.AlertRules:
                await alerts.RulesChangedAsync(cancellationToken);
                foreach (var id in notice.Ids ?? []) feed.Publish(relayed.Mark(new AlertRulesChanged((int)id)));
                break;
            case NoticeKinds.StatusPages:
                // The page cache re-reads the database on its next request: the relayed event drops this node's copy.
                foreach (var id in notice.Ids ?? []) feed.Publish(relayed.Mark(new StatusPages.StatusPageChanged((int)id)));
                if (notice.All) feed.Publish(relayed.Mark(new StatusPages.StatusPageChanged(0)));
                break;
            case NoticeKinds.Maintenance:
                // Windows are read from the database where they are used (alert engine, status pages); only the caches care.
                foreach (var id in notice.Ids ?? []) feed.Publish(relayed.Mark(new MaintenanceWindowsChanged((int)id)));
                if (notice.All) feed.Publish(relayed.Mark(new MaintenanceWindowsChanged(0)));
                break;
            case var kind when SettingsViews.Handles(kind): await settings.ApplyAsync(notice, cancellationToken); break;
        }
    }

    /// <summary>
    /// Re-reads every view (the safety net for a lost notice, and after the listening connection was lost).
    /// The status board's 24 h figures aggregate a day of results, so they are re-read whole only when
    /// <paramref name="withResults"/> (after a reconnect); on a timer tick the board catches up on the results of
    /// the last few minutes it lacks.
    /// </summary>
    public async Task ReloadAllAsync(bool withResults, CancellationToken cancellationToken)
    {
        await ReloadTestsAsync(cancellationToken);
        await ReloadFleetAsync(cancellationToken);
        feed.Publish(relayed.Mark(new FleetChanged([], [])));
        await ReloadAlertsAsync(cancellationToken);
        await alerts.RulesChangedAsync(cancellationToken);
        await settings.RefreshAsync(cancellationToken);
        if (withResults) await ReloadResultsAsync(cancellationToken);
        else await CatchUpResultsAsync(cancellationToken);
    }

    private async Task CatchUpResultsAsync(CancellationToken cancellationToken)
    {
        var missed = await probeBoard.CatchUpAsync(contexts, cancellationToken);
        if (missed.Count > 0) feed.Publish(relayed.Mark(new ProbeResultsStored(missed)));
    }

    private async Task ReadTestsAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var wanted = ids.Select(id => (int)id).ToList();
        Dictionary<int, SyntheticTest> found;
        // Read and put under the tests' locks: a save on this node in between would otherwise be undone here (ProbeCatalog).
        using (await catalog.LockAsync(wanted, cancellationToken))
        {
            found = await db.SyntheticTests.AsNoTracking().Where(t => wanted.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
            foreach (var id in wanted)
            {
                if (found.TryGetValue(id, out var test)) catalog.Put(test);
                else Forget(id);
            }
        }
        foreach (var id in wanted)
        {
            var test = found.GetValueOrDefault(id);
            // Saved on another node: if this node owns it, it starts, stops or moves to the new interval here.
            await tests.RescheduleAsync(id, cancellationToken);
            feed.Publish(relayed.Mark(new SyntheticTestChanged(id, Deleted: test is null)));
        }
    }

    /// <summary>Every test, without emptying the catalog on the way (a run fired meanwhile must still find its test).</summary>
    private async Task ReloadTestsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Every test's lock, from the read to the last put (ProbeCatalog): saves on this node wait for one query.
        using (await catalog.LockAsync(null, cancellationToken))
        {
            var stored = await db.SyntheticTests.AsNoTracking().ToDictionaryAsync(t => t.Id, cancellationToken);
            foreach (var test in stored.Values)
            {
                var known = catalog.Find(test.Id);
                catalog.Put(test);
                if (known is null || known.UpdatedAt != test.UpdatedAt) feed.Publish(relayed.Mark(new SyntheticTestChanged(test.Id, Deleted: false)));
            }
            foreach (var gone in catalog.Tests.Where(t => !stored.ContainsKey(t.Id)).Select(t => t.Id).ToList())
            {
                Forget(gone);
                feed.Publish(relayed.Mark(new SyntheticTestChanged(gone, Deleted: true)));
            }
        }
        // A lost notice: the timers catch up with the tests as stored (a new owned test starts, a removed one stops).
        await tests.ReconcileAsync(cancellationToken);
    }

    private void Forget(int testId)
    {
        catalog.Remove(testId);
        probeBoard.Forget(testId);
    }

    private async Task ReadResultsAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var results = await db.ProbeResults.AsNoTracking().Where(r => ids.Contains(r.Id)).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        // A result the timer's catch-up took already was announced then.
        var taken = probeBoard.Record(results);
        if (taken.Count > 0) feed.Publish(relayed.Mark(new ProbeResultsStored(taken)));
    }

    private async Task ReloadResultsAsync(CancellationToken cancellationToken)
    {
        await probeBoard.LoadAsync(contexts, cancellationToken);
        feed.Publish(relayed.Mark(new ProbeResultsStored([])));
    }

    private async Task ReadAlertsAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var changed = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(cancellationToken);
        foreach (var alert in changed) alertBoard.Set(alert);
        if (changed.Count > 0) feed.Publish(relayed.Mark(new AlertsChanged(changed)));
    }

    /// <summary>The open alerts as stored; only the ones that differ from the board are announced.</summary>
    private async Task ReloadAlertsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Alerts.AsNoTracking().Where(a => a.Status != AlertStatus.Resolved).ToListAsync(cancellationToken);
        var before = alertBoard.Open.ToDictionary(a => a.Id);
        var changed = open.Where(a => !before.TryGetValue(a.Id, out var known) || known.Status != a.Status).ToList();
        var closedIds = before.Keys.Except(open.Select(a => a.Id)).ToList();
        changed.AddRange(await db.Alerts.AsNoTracking().Where(a => closedIds.Contains(a.Id)).ToListAsync(cancellationToken));
        alertBoard.Load(open);
        if (changed.Count > 0) feed.Publish(relayed.Mark(new AlertsChanged(changed)));
    }

    private async Task ReadFleetAsync(ClusterNotice notice, CancellationToken cancellationToken)
    {
        // The regions' poll statuses first: a poll stored them with its instances, so by the time an instance of the
        // poll shows here, so does the poll that found it.
        var regions = notice.Regions is { Count: > 0 } codes ? await ReadRegionsAsync(codes, cancellationToken) : [];
        if (notice.All)
        {
            await ReloadFleetAsync(cancellationToken);
            // Regions edited on the sender's settings page: a removed region also left its credential set, and its
            // event queue may have come or gone. (A huge poll also says "all": both re-reads are cheap then too.)
            await settings.ReadCredentialsAsync(null, cancellationToken);
            await eventQueues.ReconcileAsync(cancellationToken);
        }
        else if (notice.Keys is { Count: > 0 } keys)
        {
            // Between this node's own fleet writes, never during one, so a newer local write is not undone.
            await fleet.ExclusiveAsync(async () =>
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var found = await db.Instances.AsNoTracking().Where(i => keys.Contains(i.InstanceId)).ToListAsync(cancellationToken);
                snapshot.Apply(found, keys.Except(found.Select(i => i.InstanceId), StringComparer.Ordinal));
                // The regions' instance counts as this node now holds them.
                foreach (var code in regions)
                {
                    if (snapshot.Region(code) is { } shown) snapshot.SetRegion(shown with { InstanceCount = snapshot.CountsByRegion.GetValueOrDefault(code) });
                }
            }, cancellationToken);
        }
        List<InstanceChange> changes = [];
        if (notice.Ids is { Count: > 0 } ids)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            changes = await db.InstanceChanges.AsNoTracking().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        }
        feed.Publish(relayed.Mark(new FleetChanged(changes, regions)));
        // A page showing one instance redraws on its own changes or on a change naming none: after a whole
        // re-read the changes are not all named, so say "something changed" too.
        if (notice.All && changes.Count > 0) feed.Publish(relayed.Mark(new FleetChanged([], regions)));
    }

    /// <summary>
    /// The poll statuses of the named regions as stored (the notice only names them); a region this node does not
    /// show (removed here meanwhile, or never watched) is not added. Returns the codes whose status was read.
    /// </summary>
    private async Task<List<string>> ReadRegionsAsync(IReadOnlyList<string> codes, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.Regions.AsNoTracking().Where(r => r.Enabled && codes.Contains(r.Code)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        List<string> read = [];
        foreach (var region in stored)
        {
            if (snapshot.Region(region.Code) is not { } shown) continue;
            // The instance count is this node's own (its snapshot); progress shows only on the node that reads the region.
            snapshot.SetRegion(RegionSyncStatus.Of(region, shown.InstanceCount, now) with { Progress = shown.Progress });
            read.Add(region.Code);
        }
        return read;
    }

    /// <summary>Every instance and the watched regions with their stored poll statuses.</summary>
    private Task ReloadFleetAsync(CancellationToken cancellationToken) => fleet.ExclusiveAsync(async () =>
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var regions = await db.Regions.AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        var instances = await db.Instances.AsNoTracking().ToListAsync(cancellationToken);
        snapshot.Load(instances);
        var now = time.GetUtcNow().UtcDateTime;
        snapshot.SetRegions(regions.Select(r => RegionSyncStatus.Of(r, instances.Count(i => i.Region == r.Code), now)
            with { Progress = snapshot.Region(r.Code)?.Progress }));
    }, cancellationToken);
}
