using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Secrets;

namespace BlazorAwsConsole.Dashboard;

/// <summary>
/// The live updates of the dashboard and the wall: subscribes to every event they show, coalesces
/// them through one <see cref="RenderThrottle"/>, and bumps a version per group of panels so each
/// panel reloads only when its own data may have changed. Owned by one page; dispose it with the page.
/// </summary>
public sealed class DashboardLive : IDisposable
{
    /// <summary>The 24 h trend chart is redrawn at most this often, however often results arrive.</summary>
    public static readonly TimeSpan TrendInterval = TimeSpan.FromSeconds(15);

    [Flags]
    private enum Groups
    {
        None = 0,
        Fleet = 1,
        Tests = 2,
        Alerts = 4,
        Warnings = 8,
        Changes = 16,
    }

    private readonly RenderThrottle _throttle;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly TimeProvider _time;
    private readonly Action _render;
    private int _pending;
    private bool _trendsPending;
    private DateTimeOffset _trendsAt;

    /// <param name="invokeAsync">The component's InvokeAsync, so reloads run on its renderer.</param>
    /// <param name="render">The component's StateHasChanged.</param>
    public DashboardLive(LiveFeed feed, TimeProvider time, Func<Action, Task> invokeAsync, Action render)
    {
        _time = time;
        _render = render;
        _trendsAt = time.GetUtcNow();
        _throttle = new RenderThrottle(() => invokeAsync(Flush), time);
        Subscribe<FleetChanged>(feed, Groups.Fleet | Groups.Warnings | Groups.Changes);
        Subscribe<ProbeResultsStored>(feed, Groups.Tests);
        // Warnings too: a test may now run from a location no agent serves.
        Subscribe<SyntheticTestChanged>(feed, Groups.Tests | Groups.Changes | Groups.Warnings);
        Subscribe<AlertsChanged>(feed, Groups.Alerts);
        Subscribe<VaultStatusChanged>(feed, Groups.Warnings);
        Subscribe<CredentialsChanged>(feed, Groups.Warnings);
        // Agents connecting and going, and locations added or removed.
        Subscribe<ProbeLocations.ProbeLocationsChanged>(feed, Groups.Warnings);
        Subscribe<Alerts.Channels.ChannelHealthChanged>(feed, Groups.Warnings);
    }

    public int Fleet { get; private set; }
    public int Tests { get; private set; }
    public int Trends { get; private set; }
    public int Alerts { get; private set; }
    public int Warnings { get; private set; }
    public int Changes { get; private set; }

    /// <summary>How many times the page was redrawn for live updates.</summary>
    public int RenderCount => _throttle.RenderCount;

    /// <summary>Something the page did itself (ran a test): reload the change log.</summary>
    public void ChangesMade() => Mark(Groups.Changes);

    private void Subscribe<TEvent>(LiveFeed feed, Groups groups) where TEvent : notnull =>
        _subscriptions.Add(feed.Subscribe<TEvent>(_ =>
        {
            Mark(groups);
            return Task.CompletedTask;
        }));

    private void Mark(Groups groups)
    {
        Interlocked.Or(ref _pending, (int)groups);
        _throttle.MarkDirty();
    }

    private void Flush()
    {
        var groups = (Groups)Interlocked.Exchange(ref _pending, 0);
        var changed = groups != Groups.None;
        if (groups.HasFlag(Groups.Fleet)) Fleet++;
        if (groups.HasFlag(Groups.Tests)) { Tests++; _trendsPending = true; }
        if (groups.HasFlag(Groups.Alerts)) Alerts++;
        if (groups.HasFlag(Groups.Warnings)) Warnings++;
        if (groups.HasFlag(Groups.Changes)) Changes++;
        if (_trendsPending)
        {
            if (_time.GetUtcNow() - _trendsAt >= TrendInterval)
            {
                Trends++;
                _trendsPending = false;
                _trendsAt = _time.GetUtcNow();
                changed = true;
            }
            else
            {
                // Come back on a later tick: the trend redraws once its interval has passed.
                _throttle.MarkDirty();
            }
        }
        if (changed) _render();
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _throttle.Dispose();
    }
}
