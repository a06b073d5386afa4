using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.JumpServers;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.ProbeLocations;
using BlazorAwsConsole.Secrets;
using Npgsql;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The sending half of "live across nodes": listens to this node's LiveFeed for every change an open page or
/// another node's view reacts to (tests, fleet, probe results, alerts, alert rules, templates, channels, deliveries,
/// channel health, credential sets, Vault's status), gathers what they name (ids and names only: never a secret,
/// never the changed data) for <see cref="FlushInterval"/>, and tells
/// the other nodes with one NOTIFY per kind (split when a payload would be too big; "everything of this kind"
/// past <see cref="MaxNamed"/>). Events this node relayed from another are not sent back. A NOTIFY that fails
/// (the database is away) is sent again with the next flush.
/// </summary>
public sealed class NoticeOutbox(LiveFeed feed, RelayedEvents relayed, NoticeOrigin origin, NoticeSignature signature,
    IConfiguration configuration, ILogger<NoticeOutbox> logger) : BackgroundService
{
    /// <summary>How long changes are gathered into one notice: short against the 1 s a page may take, long enough to batch a busy second.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>More rows of one kind than this in one flush are sent as "re-read everything of this kind".</summary>
    public const int MaxNamed = 2_000;

    /// <summary>The subscriptions' queues: a busy second of results must not be dropped before it is gathered.</summary>
    private const int QueueCapacity = 10_000;

    private readonly Lock _lock = new();
    private Pending _pending = new();
    private readonly List<IDisposable> _subscriptions = [];

    /// <summary>Notices sent since start (tests read it).</summary>
    public long Sent { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(feed.Subscribe<SyntheticTestChanged>(change => Gather(change, p => p.Tests.Add(change.TestId)), QueueCapacity));
        _subscriptions.Add(feed.Subscribe<ProbeResultsStored>(stored => Gather(stored, p => p.Results.UnionWith(stored.Results.Select(r => r.Id))), QueueCapacity));
        _subscriptions.Add(feed.Subscribe<AlertsChanged>(changed => Gather(changed, p => p.Alerts.UnionWith(changed.Changed.Select(a => a.Id))), QueueCapacity));
        _subscriptions.Add(feed.Subscribe<AlertRulesChanged>(changed => Gather(changed, p => p.Rules.Add(changed.RuleId)), QueueCapacity));
        _subscriptions.Add(feed.Subscribe<FleetChanged>(changed => Gather(changed, p =>
        {
            p.Instances.UnionWith(changed.Changes.Select(c => c.InstanceId));
            p.Changes.UnionWith(changed.Changes.Select(c => c.Id));
            p.Regions.UnionWith(changed.Regions);
            // Nothing named: the regions themselves were edited (Settings), so the others re-read the whole fleet.
            if (changed.Changes.Count == 0 && changed.Regions.Count == 0) p.WholeFleet = true;
        }), QueueCapacity));
        Name<TemplatesChanged>(NoticeKinds.Templates, changed => changed.TemplateId);
        Name<StatusPages.StatusPageChanged>(NoticeKinds.StatusPages, changed => changed.PageId);
        Name<MaintenanceWindowsChanged>(NoticeKinds.Maintenance, changed => changed.WindowId);
        Name<NotificationChannelsChanged>(NoticeKinds.Channels, changed => changed.ChannelId);
        Name<NotificationDeliveryRecorded>(NoticeKinds.Deliveries, recorded => recorded.DeliveryId);
        Name<ChannelHealthChanged>(NoticeKinds.ChannelHealth, changed => changed.ChannelId);
        Name<ProbeLocationsChanged>(NoticeKinds.ProbeLocations, changed => changed.LocationId);
        _subscriptions.Add(feed.Subscribe<CredentialsChanged>(changed => Gather(changed, p => p.Credentials.Add(changed.Name)), QueueCapacity));
        // Only that it changed: the reason is this node's view of Vault, and the others ask Vault themselves.
        _subscriptions.Add(feed.Subscribe<VaultStatusChanged>(changed => Gather(changed, p => p.Vault = true), QueueCapacity));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        await base.StopAsync(cancellationToken);
        // What was gathered since the last flush still goes out.
        await FlushAsync(CancellationToken.None);
    }

    /// <summary>Relays <typeparamref name="TEvent"/> as a notice of <paramref name="kind"/> naming the row <paramref name="id"/> gives.</summary>
    private void Name<TEvent>(string kind, Func<TEvent, long> id) where TEvent : notnull =>
        _subscriptions.Add(feed.Subscribe<TEvent>(change => Gather(change, p => p.Named(kind).Add(id(change))), QueueCapacity));

    private Task Gather(object change, Action<Pending> add)
    {
        if (relayed.IsRelayed(change)) return Task.CompletedTask;
        lock (_lock) add(_pending);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        Pending taken;
        lock (_lock)
        {
            if (_pending.IsEmpty) return;
            taken = _pending;
            _pending = new Pending();
        }
        var payloads = Notices(taken).SelectMany(n => n.ToPayloads()).Select(signature.Sign).ToList();
        try
        {
            await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Console"));
            await connection.OpenAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var payload in payloads)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)")
                {
                    Parameters = { new() { Value = ClusterNotice.Channel }, new() { Value = payload } },
                });
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            Sent += payloads.Count;
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException || error is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Kept for the next flush; the others' refresh timer covers it if the database stays away.
            logger.LogWarning("Could not tell the other nodes about {Count} notice(s): {Error}", payloads.Count, error.Message);
            lock (_lock) _pending.Merge(taken);
        }
    }

    private IEnumerable<ClusterNotice> Notices(Pending pending)
    {
        var from = origin.Name;
        if (pending.Tests.Count > 0) yield return Named(new ClusterNotice(from, NoticeKinds.Tests), pending.Tests);
        if (pending.Results.Count > 0) yield return Named(new ClusterNotice(from, NoticeKinds.Results), pending.Results);
        // Rules before alerts: an alert of a new rule must not reach an engine that does not know the rule yet.
        if (pending.Rules.Count > 0) yield return Named(new ClusterNotice(from, NoticeKinds.AlertRules), pending.Rules);
        if (pending.Alerts.Count > 0) yield return Named(new ClusterNotice(from, NoticeKinds.Alerts), pending.Alerts);
        foreach (var (kind, ids) in pending.Other.Where(o => o.Value.Count > 0)) yield return Named(new ClusterNotice(from, kind), ids);
        if (pending.Credentials.Count > 0)
        {
            yield return pending.Credentials.Count > MaxNamed
                ? new ClusterNotice(from, NoticeKinds.Credentials, All: true)
                : new ClusterNotice(from, NoticeKinds.Credentials, Keys: [.. pending.Credentials.Order(StringComparer.Ordinal)]);
        }
        if (pending.Vault) yield return new ClusterNotice(from, NoticeKinds.Vault);
        if (pending.Instances.Count > 0 || pending.Changes.Count > 0 || pending.Regions.Count > 0 || pending.WholeFleet)
        {
            // Region codes only: the others read the poll statuses the poll stored.
            var whole = pending.WholeFleet || pending.Instances.Count > MaxNamed;
            yield return new ClusterNotice(from, NoticeKinds.Fleet,
                Ids: pending.Changes.Count is > 0 and <= MaxNamed ? [.. pending.Changes] : null,
                Keys: whole || pending.Instances.Count == 0 ? null : [.. pending.Instances],
                Regions: pending.Regions.Count > 0 ? [.. pending.Regions.Order(StringComparer.Ordinal)] : null,
                All: whole);
        }
    }

    private static ClusterNotice Named(ClusterNotice notice, IReadOnlyCollection<long> ids) =>
        ids.Count > MaxNamed ? notice with { All = true } : notice with { Ids = [.. ids.Order()] };

    private sealed class Pending
    {
        public readonly HashSet<long> Tests = [];
        public readonly HashSet<long> Results = [];
        public readonly HashSet<long> Alerts = [];
        public readonly HashSet<long> Rules = [];
        public readonly HashSet<string> Instances = new(StringComparer.Ordinal);
        public readonly HashSet<long> Changes = [];
        public readonly HashSet<string> Regions = new(StringComparer.Ordinal);
        public bool WholeFleet;
        /// <summary>The kinds that name only row ids (templates, channels, deliveries, channel health).</summary>
        public readonly Dictionary<string, HashSet<long>> Other = new(StringComparer.Ordinal);
        public readonly HashSet<string> Credentials = new(StringComparer.Ordinal);
        public bool Vault;

        public HashSet<long> Named(string kind) => Other.TryGetValue(kind, out var ids) ? ids : Other[kind] = [];

        public bool IsEmpty => Tests.Count + Results.Count + Alerts.Count + Rules.Count + Instances.Count + Changes.Count + Regions.Count
            + Other.Values.Sum(ids => ids.Count) + Credentials.Count == 0 && !WholeFleet && !Vault;

        public void Merge(Pending other)
        {
            Tests.UnionWith(other.Tests);
            Results.UnionWith(other.Results);
            Alerts.UnionWith(other.Alerts);
            Rules.UnionWith(other.Rules);
            Instances.UnionWith(other.Instances);
            Changes.UnionWith(other.Changes);
            Regions.UnionWith(other.Regions);
            WholeFleet |= other.WholeFleet;
            foreach (var (kind, ids) in other.Other) Named(kind).UnionWith(ids);
            Credentials.UnionWith(other.Credentials);
            Vault |= other.Vault;
        }
    }
}
