using System.Collections.Concurrent;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.StatusPages;

/// <summary>Published after a status page, its components or incidents changed.</summary>
public sealed record StatusPageChanged(int PageId);

/// <summary>
/// The built views of the status pages, one per slug, shared by the HTML, JSON, feed and badges (and the answers
/// rendered from them, <see cref="PublicAnswerCache"/>). Dropped on change: at once when a page or incident changes, and
/// at most once per <see cref="StatusPageOptions.RefreshMilliseconds"/> when test results, the fleet or alerts change (LiveFeed).
/// Concurrent misses of one slug share one build, so a burst of anonymous visitors reads the database once per change.
/// Holds at most one view per existing page (a slug that does not exist is not cached).
/// </summary>
public sealed class StatusViewCache : IHostedService, IDisposable
{
    private readonly StatusViewBuilder _builder;
    private readonly LiveFeed _feed;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<StatusPageOptions> _options;
    private readonly ConcurrentDictionary<string, Entry> _views = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private ITimer? _timer;
    private long _generation;
    private long _pageGeneration;
    private int _dirty;

    private readonly Cluster.RelayedEvents? _relayed;
    private readonly Cluster.NoticeListening? _listening;

    /// <param name="relayed">Present with PostgreSQL (more than one node): what another node changed arrives as a relayed <see cref="StatusPageChanged"/>.</param>
    /// <param name="listening">Present with PostgreSQL: whether this node hears the other nodes' notices now.</param>
    public StatusViewCache(StatusViewBuilder builder, LiveFeed feed, TimeProvider time, IOptionsMonitor<StatusPageOptions> options,
        Cluster.RelayedEvents? relayed = null, Cluster.NoticeListening? listening = null)
    {
        _relayed = relayed;
        _listening = listening;
        _builder = builder;
        _feed = feed;
        _time = time;
        _options = options;
    }

    // Lazy: ConcurrentDictionary may run a factory more than once under contention; only the stored entry's build starts.
    // Kept: started while this node heard the other nodes' notices, so it may be served after its build finished.
    private sealed record Entry(Lazy<Task<PublicStatusView?>> View, DateTime BuiltAt, long Generation, bool Kept);

    /// <summary>
    /// False on a node of a cluster while its notice listener is not listening (from start-up to its first LISTEN, and
    /// from a lost connection to the next one): another node's change would not reach this node then, so nothing is served
    /// from memory — each request reads the database (concurrent ones share one read), and no response is cached.
    /// Always true on a single node.
    /// </summary>
    internal bool Caching => _listening?.IsListening ?? true;

    public async Task<PublicStatusView?> GetAsync(string slug, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var maxAge = TimeSpan.FromSeconds(_options.CurrentValue.CacheSeconds);
        var generation = Interlocked.Read(ref _generation);
        var caching = Caching;
        var entry = _views.AddOrUpdate(slug,
            _ => Start(slug, now, generation, caching),
            (_, existing) => existing.Generation != generation || now - existing.BuiltAt >= maxAge || existing.View.Value.IsFaulted
                || !(caching && existing.Kept) && existing.View.Value.IsCompleted
                ? Start(slug, now, generation, caching) : existing);
        var view = await entry.View.Value.WaitAsync(cancellationToken);
        if (view is null) _views.TryRemove(new KeyValuePair<string, Entry>(slug, entry));
        return view;
    }

    // Not the caller's token: a visitor who goes away must not fail the build the others wait for.
    private Entry Start(string slug, DateTime now, long generation, bool kept) =>
        new(new Lazy<Task<PublicStatusView?>>(() => _builder.BuildAsync(slug, CancellationToken.None)), now, generation, kept);

    /// <summary>Moves on every change: what was built before it is out of date (a visitor may still be served it while the next is built).</summary>
    internal long Generation => Interlocked.Read(ref _generation);

    /// <summary>Moves when a page itself changed (its components, incidents, publishing, maintenance): what was built before it is never served again.</summary>
    internal long PageGeneration => Interlocked.Read(ref _pageGeneration);

    /// <summary>Drops every view now, and every answer rendered from them: a page, its incidents or its maintenance changed.</summary>
    public Task InvalidateAsync()
    {
        Interlocked.Exchange(ref _dirty, 0);
        Interlocked.Increment(ref _pageGeneration);
        Interlocked.Increment(ref _generation);
        _views.Clear();
        return Task.CompletedTask;
    }

    private Task MarkDirty<TEvent>(TEvent _)
    {
        Interlocked.Exchange(ref _dirty, 1);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(_feed.Subscribe<ProbeResultsStored>(MarkDirty));
        _subscriptions.Add(_feed.Subscribe<FleetChanged>(MarkDirty));
        _subscriptions.Add(_feed.Subscribe<AlertsChanged>(MarkDirty));
        _subscriptions.Add(_feed.Subscribe<SyntheticTestChanged>(MarkDirty));
        // A change made on this node already dropped the views (StatusPageService); one made on another node arrives
        // as a cluster notice, relayed here, and drops them at once, not at the next refresh tick.
        _subscriptions.Add(_feed.Subscribe<StatusPageChanged>(changed => _relayed?.IsRelayed(changed) == true ? InvalidateAsync() : Task.CompletedTask));
        // A page lists current and upcoming windows and shows its components under maintenance: drop the views at once.
        _subscriptions.Add(_feed.Subscribe<MaintenanceWindowsChanged>(_ => InvalidateAsync()));
        // Listening again (or for the first time): what is held was read while another node's notice could be lost.
        // Lost: drop what is held; nothing is kept until the listener is back (Caching).
        _subscriptions.Add(_feed.Subscribe<Cluster.NoticeListeningChanged>(_ => InvalidateAsync()));
        var period = TimeSpan.FromMilliseconds(_options.CurrentValue.RefreshMilliseconds);
        _timer = _time.CreateTimer(_ => Flush(), null, period, period);
        return Task.CompletedTask;
    }

    /// <summary>Results, the fleet or alerts changed: the views are rebuilt at their next read; answers already rendered are served meanwhile.</summary>
    private void Flush()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0) return;
        Interlocked.Increment(ref _generation);
        _views.Clear();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _subscriptions.Clear();
    }
}
