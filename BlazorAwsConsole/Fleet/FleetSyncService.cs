using System.Diagnostics;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Fleet;

/// <summary>
/// Keeps the stored fleet equal to what EC2 reports: polls every due region at once, writes only the
/// rows that changed plus their change records, updates the snapshot and tells the live feed. All
/// fleet writes on this node pass through here one at a time.
/// </summary>
public sealed class FleetSyncService(
    IServiceScopeFactory scopes,
    Ec2Inventory inventory,
    FleetSnapshot snapshot,
    LiveFeed feed,
    TimeProvider time,
    IOptions<FleetOptions> fleetOptions,
    IOptions<AwsOptions> awsOptions,
    ILogger<FleetSyncService> logger,
    ReadPacing pacing,
    ConsoleMetrics? metrics = null,
    Events.EventQueueBoard? events = null)
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public TimeSpan PollInterval => fleetOptions.Value.PollInterval(awsOptions.Value.Mode);

    /// <summary>Loads the stored fleet into the snapshot; called once at start-up.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var regions = await db.Regions.AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        var instances = await db.Instances.AsNoTracking().ToListAsync(cancellationToken);
        snapshot.Load(instances);
        var now = time.GetUtcNow().UtcDateTime;
        snapshot.SetRegions(regions.Select(r => RegionSyncStatus.Of(r, instances.Count(i => i.Region == r.Code), now)));
    }

    /// <summary>Polls every enabled region whose next attempt is due (all of them when <paramref name="force"/>).</summary>
    public async Task<FleetSyncReport> SyncAsync(bool force = false, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow().UtcDateTime;
        var regions = await EnabledRegionsAsync(cancellationToken);
        var due = regions.Where(r => force || IsDue(r, now)).ToList();

        var results = await FetchAllAsync(due, cancellationToken);
        var fetching = Stopwatch.GetElapsedTime(started);

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var changes = new List<InstanceChange>();
            var upserted = new List<Instance>();
            var removed = new List<string>();
            var writeTime = time.GetUtcNow().UtcDateTime;
            // A region disabled or removed while its poll was in flight must not come back.
            var stillWatched = await db.Regions.Where(r => r.Enabled).ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, cancellationToken);
            results = results.Where(r => stillWatched.ContainsKey(r.Region.Code)).ToArray();

            foreach (var result in results.Where(r => r.Read.Instances.Count > 0 || r.Read.Complete))
            {
                // A read that stopped early stores what it read and leaves the unread instances as they were.
                await ReconcileAsync(db, result.Region, result.Read.Instances, result.Read.Complete, writeTime, changes, upserted, removed, cancellationToken);
            }
            db.InstanceChanges.AddRange(changes);
            // The poll statuses go into the same transaction: the next poll, on whichever node, reads them back.
            var statuses = results.Select(result => NextStatus(result, stillWatched[result.Region.Code], writeTime)).ToList();
            db.ChangeTracker.DetectChanges();
            var statusRows = stillWatched.Values.Count(r => db.Entry(r).State == EntityState.Modified);
            var rowsWritten = await db.SaveChangesAsync(cancellationToken) - statusRows;

            snapshot.Apply(upserted, removed);
            foreach (var status in statuses) snapshot.SetRegion(status);
            PublishFleetChanged(changes, results.Select(r => r.Region.Code).ToList());

            return new FleetSyncReport(
                results.Select(r => new RegionSyncResult(r.Region.Code, r.Read.Instances.Count, r.Error, r.Read.Complete, r.Read.Pages,
                    r.Read.PageSize, r.Read.Timeouts, r.Read.PageSizeChanges, r.RetriedAlone)).ToList(),
                changes.Count,
                rowsWritten,
                Stopwatch.GetElapsedTime(started),
                fetching);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs a change to the regions or the fleet (from the settings pages) between syncs, never during one.</summary>
    public async Task ExclusiveAsync(Func<Task> change, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await change();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Re-reads one instance right after the console acted on it, so its new state shows at once and
    /// the change is credited to <paramref name="changedBy"/>; <paramref name="extraChanges"/> (the
    /// action itself) are logged in the same transaction. An instance not stored yet (one the console
    /// has just launched) is stored with an Appeared record. The EC2 event reader comes this way too
    /// (<paramref name="changedBy"/> "event"), so an event and a poll store and publish a change alike.
    /// </summary>
    /// <returns>False when EC2 does not list the instance (nothing was stored but <paramref name="extraChanges"/>).</returns>
    public async Task<bool> RefreshInstanceAsync(WatchedRegion region, string instanceId, string changedBy,
        IReadOnlyList<InstanceChange> extraChanges, CancellationToken cancellationToken)
    {
        var observed = await inventory.DescribeAsync(region, instanceId, cancellationToken);
        await StoreRefreshedAsync([(instanceId, observed, extraChanges)], changedBy, cancellationToken);
        return observed is not null;
    }

    /// <summary>
    /// <see cref="RefreshInstanceAsync"/> for the instances an EC2 event names, read with one
    /// DescribeInstances call and stored in one transaction; <paramref name="extraChanges"/> gives each
    /// instance's own records (a notice).
    /// </summary>
    /// <returns>The instances EC2 listed.</returns>
    public async Task<IReadOnlySet<string>> RefreshInstancesAsync(WatchedRegion region, IReadOnlyList<string> instanceIds, string changedBy,
        Func<string, IReadOnlyList<InstanceChange>> extraChanges, CancellationToken cancellationToken)
    {
        var observed = await inventory.DescribeAsync(region, instanceIds, cancellationToken);
        await StoreRefreshedAsync([.. instanceIds.Select(id => (id, observed.GetValueOrDefault(id), extraChanges(id)))], changedBy, cancellationToken);
        return observed.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Stores what a re-read found: an instance EC2 listed is updated (or stored with an Appeared record);
    /// the extra records are kept for every instance EC2 listed or the console knows, and nothing at all
    /// for one that is neither.
    /// </summary>
    private async Task StoreRefreshedAsync(IReadOnlyList<(string Id, Instance? Observed, IReadOnlyList<InstanceChange> Extra)> reads,
        string changedBy, CancellationToken cancellationToken)
    {
        reads = [.. reads.Where(r => r.Observed is not null || snapshot.Find(r.Id) is not null)];
        if (reads.Count == 0) return;

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            var ids = reads.Select(r => r.Id).ToList();
            var stored = await db.Instances.Where(i => ids.Contains(i.InstanceId)).ToDictionaryAsync(i => i.InstanceId, StringComparer.Ordinal, cancellationToken);
            var changes = new List<InstanceChange>();
            var upserted = new List<Instance>();
            foreach (var (id, observed, extra) in reads)
            {
                changes.AddRange(extra);
                if (stored.TryGetValue(id, out var existing))
                {
                    if (observed is not null) changes.AddRange(InstanceDiff.Apply(existing, observed, now, changedBy));
                    upserted.Add(existing);
                }
                else if (observed is not null)
                {
                    // Not stored yet (the console just launched it, or an event names it before a poll did): store it now.
                    changes.AddRange(InstanceDiff.Appeared(observed, now).Select(c => { c.ChangedBy = changedBy; return c; }));
                    db.Instances.Add(observed);
                    upserted.Add(observed);
                }
            }
            db.InstanceChanges.AddRange(changes);
            await db.SaveChangesAsync(cancellationToken);
            snapshot.Apply(upserted, []);
            PublishFleetChanged(changes, []);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ReconcileAsync(ConsoleDbContext db, WatchedRegion region, List<Instance> observed, bool complete, DateTime now,
        List<InstanceChange> changes, List<Instance> upserted, List<string> removed, CancellationToken cancellationToken)
    {
        var stored = await db.Instances.Where(i => i.Region == region.Code).ToDictionaryAsync(i => i.InstanceId, StringComparer.Ordinal, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var instance in observed)
        {
            if (!seen.Add(instance.InstanceId)) continue;
            if (stored.TryGetValue(instance.InstanceId, out var existing))
            {
                var found = InstanceDiff.Apply(existing, instance, now);
                changes.AddRange(found);
                upserted.Add(existing);
            }
            else
            {
                changes.AddRange(InstanceDiff.Appeared(instance, now));
                db.Instances.Add(instance);
                upserted.Add(instance);
            }
        }
        foreach (var gone in stored.Values.Where(i => complete && !seen.Contains(i.InstanceId)))
        {
            changes.Add(InstanceDiff.Disappeared(gone, now));
            db.Instances.Remove(gone);
            removed.Add(gone.InstanceId);
        }
        db.ChangeTracker.DetectChanges();
        upserted.RemoveAll(i => db.Entry(i).State == EntityState.Unchanged);
    }

    /// <summary>
    /// Reads the due regions, all at once unless they timed out together before (then one after another,
    /// <see cref="ReadPacing.OneAtATime"/>). Regions that time out together while read at once are read
    /// again, one after another, in the same poll: on a slow single endpoint (moto, a proxy) they were
    /// slowing each other down.
    /// </summary>
    private async Task<RegionFetch[]> FetchAllAsync(List<WatchedRegion> due, CancellationToken cancellationToken)
    {
        var atOnce = !pacing.OneAtATime && due.Count > 1;
        RegionFetch[] results;
        if (atOnce)
        {
            results = await Task.WhenAll(due.Select(region => FetchAsync(region, cancellationToken)));
        }
        else
        {
            results = new RegionFetch[due.Count];
            for (var i = 0; i < due.Count; i++) results[i] = await FetchAsync(due[i], cancellationToken);
        }
        pacing.LearnPoll(results.Select(r => r.Read).ToList(), atOnce);
        if (atOnce && pacing.OneAtATime)
        {
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i].Read.Complete || results[i].Read.Timeouts == 0) continue;
                logger.LogWarning("Regions timed out together; reading {Region} again on its own", results[i].Region.Code);
                results[i] = await FetchAsync(results[i].Region, cancellationToken) with { RetriedAlone = true };
            }
        }
        return results;
    }

    private async Task<RegionFetch> FetchAsync(WatchedRegion region, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var previous = snapshot.Region(region.Code);
        var read = new RegionRead(region.Code, pacing.PageSizeFor(region.Code), previous?.InstanceCount > 0 ? previous.InstanceCount : null);
        var lastShown = 0L;
        void ShowProgress(RegionRead progress)
        {
            // At most twice a second per region: each one wakes every open page and the alert engine.
            if (Stopwatch.GetElapsedTime(lastShown) < TimeSpan.FromMilliseconds(500)) return;
            lastShown = Stopwatch.GetTimestamp();
            var current = snapshot.Region(region.Code) ?? new RegionSyncStatus(region.Code, region.Name, null, null, null, 0, time.GetUtcNow().UtcDateTime, 0);
            snapshot.SetRegion(current with { Progress = progress.Describe() });
            PublishFleetChanged([], [region.Code]);
        }
        Dictionary<string, (StatusChecks Checks, List<ScheduledEvent> Events)>? health = null;
        try
        {
            // Status first: it is cheap (on moto a tenth of DescribeInstances) and its count tells the
            // progress how many instances to expect on a first load.
            health = await HealthAsync(region, read, ShowProgress, cancellationToken);
            if (health is not null) read.Expected = health.Count;
            await inventory.ListAsync(region, read, pacing, ShowProgress, cancellationToken);
            AddHealth(read.Instances, health);
            metrics?.RegionSynced(region.Code, Stopwatch.GetElapsedTime(started).TotalSeconds, failed: false);
            pacing.Learn(read);
            return new RegionFetch(region, read, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = AwsErrors.Describe(ex);
            AddHealth(read.Instances, health);
            if (read.Instances.Count > 0)
            {
                reason = $"{reason} after {read.Instances.Count:N0}{(read.Expected is { } total ? $" of ~{total:N0}" : "")} instances (those were stored; the rest kept as last seen)";
            }
            logger.LogWarning("Inventory of {Region} failed: {Reason}", region.Code, reason);
            metrics?.RegionSynced(region.Code, Stopwatch.GetElapsedTime(started).TotalSeconds, failed: true);
            pacing.Learn(read);
            return new RegionFetch(region, read, reason);
        }
    }

    /// <summary>The interval between polls of a region whose events flow (never shorter than the normal one).</summary>
    public TimeSpan PollIntervalWithEvents => TimeSpan.FromSeconds(Math.Max(PollInterval.TotalSeconds, fleetOptions.Value.PollIntervalWithEventsSeconds));

    /// <summary>
    /// A region is due when its backoff has passed (as stored: the last poll may have run on another node); one whose
    /// event queue is read without error is due only every <see cref="PollIntervalWithEvents"/>, since its state
    /// changes arrive as events.
    /// </summary>
    private bool IsDue(WatchedRegion region, DateTime now)
    {
        if ((region.NextAttemptAt ?? now) > now) return false;
        if (events is null || string.IsNullOrEmpty(region.EventQueueUrl) || region.LastSyncedAt is not { } last) return true;
        // "Flowing" means a receive succeeded within one long poll plus one call's timeout (and some slack).
        var answeredWithin = TimeSpan.FromSeconds(fleetOptions.Value.EventWaitSeconds + awsOptions.Value.TimeoutSeconds + 30);
        if (!events.IsFlowing(region.Code, answeredWithin)) return true;
        // Half an interval of slack: the trigger fires every PollInterval, and the last sync finished a little after it fired.
        return now - last >= PollIntervalWithEvents - PollInterval / 2;
    }

    /// <summary>
    /// Status checks and scheduled events of the region's instances, or null when DescribeInstanceStatus
    /// fails: the instances then still sync, carrying none, so their stored checks stay as they were.
    /// </summary>
    private async Task<Dictionary<string, (StatusChecks Checks, List<ScheduledEvent> Events)>?> HealthAsync(
        WatchedRegion region, RegionRead read, Action<RegionRead> onPage, CancellationToken cancellationToken)
    {
        try
        {
            return await inventory.StatusAsync(region, read, pacing, onPage, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Status checks of {Region} could not be read: {Reason}", region.Code, AwsErrors.Describe(ex));
            return null;
        }
    }

    private static void AddHealth(List<Instance> instances, Dictionary<string, (StatusChecks Checks, List<ScheduledEvent> Events)>? health)
    {
        if (health is null) return;
        foreach (var instance in instances)
        {
            if (health.TryGetValue(instance.InstanceId, out var found)) (instance.StatusChecks, instance.ScheduledEvents) = found;
            else instance.StatusChecks = new StatusChecks(); // EC2 lists every instance with IncludeAllInstances; absent means not applicable
        }
    }

    /// <summary>Sets the poll status of the tracked <paramref name="stored"/> row after <paramref name="result"/>, and returns it as shown.</summary>
    private RegionSyncStatus NextStatus(RegionFetch result, WatchedRegion stored, DateTime now)
    {
        var previousCount = snapshot.Region(result.Region.Code)?.InstanceCount ?? 0;
        stored.LastAttemptAt = now;
        if (result.Error is null)
        {
            // A healthy region is due at every scheduled poll: only failures wait (backoff). Setting
            // "now + interval" here would make the next poll, which fires one interval after this one
            // started, find it not yet due, and the fleet would be polled every other interval.
            (stored.LastSyncedAt, stored.LastError, stored.ConsecutiveFailures, stored.NextAttemptAt) = (now, null, 0, now);
            return RegionSyncStatus.Of(stored, result.Read.Instances.Count, now);
        }
        stored.ConsecutiveFailures++;
        var backoff = TimeSpan.FromSeconds(Math.Min(
            PollInterval.TotalSeconds * Math.Pow(2, Math.Min(stored.ConsecutiveFailures - 1, 16)),
            fleetOptions.Value.MaxBackoffSeconds));
        stored.LastError = result.Error.Length > MaxStoredError ? result.Error[..MaxStoredError] : result.Error;
        stored.NextAttemptAt = now + backoff;
        return RegionSyncStatus.Of(stored, Math.Max(previousCount, result.Read.Instances.Count), now);
    }

    /// <summary>The stored error's cap (the column's length).</summary>
    private const int MaxStoredError = 2000;

    private async Task<List<WatchedRegion>> EnabledRegionsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        return await db.Regions.AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Code).ToListAsync(cancellationToken);
    }

    private void PublishFleetChanged(List<InstanceChange> changes, List<string> regions) =>
        feed.Publish(new FleetChanged(changes, regions));

    private sealed record RegionFetch(WatchedRegion Region, RegionRead Read, string? Error)
    {
        public bool RetriedAlone { get; init; }
    }
}

/// <param name="RowsWritten">Instance rows and change records written; the polled regions' status rows (one each, every poll) are not counted.</param>
/// <param name="Fetching">Time spent waiting for EC2 (all due regions at once); Elapsed − Fetching is the console's own work.</param>
public sealed record FleetSyncReport(IReadOnlyList<RegionSyncResult> Regions, int ChangesRecorded, int RowsWritten, TimeSpan Elapsed, TimeSpan Fetching);

/// <param name="Instances">Instances read (all of them when <paramref name="Complete"/>; the ones stored so far otherwise).</param>
/// <param name="PageSize">MaxResults of the last page asked.</param>
/// <param name="Timeouts">Pages that missed their deadline.</param>
/// <param name="PageSizeChanges">Each lowering of the page size after a timeout, e.g. "1000→250".</param>
/// <param name="RetriedAlone">True when the region timed out together with others and was read again on its own.</param>
public sealed record RegionSyncResult(string Region, int Instances, string? Error, bool Complete = true, int Pages = 0, int PageSize = 0,
    int Timeouts = 0, IReadOnlyList<string>? PageSizeChanges = null, bool RetriedAlone = false);
