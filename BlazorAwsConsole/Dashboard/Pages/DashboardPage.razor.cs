using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace BlazorAwsConsole.Dashboard.Pages;

/// <summary>
/// The home page: every panel reads its own source through its own Load (the per-node snapshot
/// and boards, or a small query), so one failing source shows its error in its panel only.
/// </summary>
public sealed partial class DashboardPage : IDisposable
{
    public const int SlowestCount = 5;
    public const int ChangesShown = 20;

    [Inject] private FleetSnapshot Fleet { get; set; } = default!;
    [Inject] private AlertBoard AlertBoard { get; set; } = default!;
    [Inject] private ProbeOverview Probes { get; set; } = default!;
    [Inject] private RecentChanges RecentChanges { get; set; } = default!;
    [Inject] private HealthWarnings Health { get; set; } = default!;
    [Inject] private BlazorAwsConsole.Alerts.Channels.NotificationChannelService Channels { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private DashboardLive? _live;
    private IReadOnlyDictionary<string, int> _states = new Dictionary<string, int>();
    private IReadOnlyDictionary<string, int> _regions = new Dictionary<string, int>();
    private HealthCounts _health = HealthCounts.None;
    private ProbeSummary? _tests;
    private IReadOnlyList<SlowTest> _slowest = [];
    private DateTime _slowestUntil;
    private IReadOnlyList<Alert> _alerts = [];
    private IReadOnlyDictionary<AlertSeverity, int> _alertCounts = new Dictionary<AlertSeverity, int>();
    private IReadOnlyList<RegionSyncStatus> _staleRegions = [];
    private IReadOnlyList<ProbeLocations.UncoveredLocation> _uncovered = [];
    private IReadOnlyList<CredentialWarning> _credentials = [];
    private string? _vaultProblem;
    private IReadOnlyList<RecentChange> _changes = [];
    /// <summary>Notification channels that keep failing, with their last error (loaded with the warnings).</summary>
    private IReadOnlyList<(string Name, string LastError)> _failingChannels = [];

    /// <summary>How many times live updates redrew the page (the throttle's flushes).</summary>
    internal int LiveRenders => _live?.RenderCount ?? 0;

    protected override void OnInitialized() => _live = new DashboardLive(Feed, Time, InvokeAsync, StateHasChanged);

    private Task LoadFleet(CancellationToken _)
    {
        _states = Fleet.CountsByState;
        _regions = Fleet.CountsByRegion;
        _health = FleetHealth.Count(Fleet.Instances, Time.GetUtcNow().UtcDateTime);
        return Task.CompletedTask;
    }

    private Task LoadTests(CancellationToken _)
    {
        _tests = Probes.Summary();
        return Task.CompletedTask;
    }

    private async Task LoadSlowestAsync(CancellationToken cancellationToken)
    {
        _slowestUntil = Time.GetUtcNow().UtcDateTime;
        _slowest = await Probes.SlowestAsync(SlowestCount, cancellationToken);
    }

    private Task LoadAlerts(CancellationToken _)
    {
        _alerts = AlertBoard.Open;
        _alertCounts = AlertBoard.OpenBySeverity;
        return Task.CompletedTask;
    }

    private async Task LoadWarningsAsync(CancellationToken cancellationToken)
    {
        _staleRegions = Health.StaleRegions();
        _vaultProblem = Health.VaultProblem;
        _credentials = await Health.CredentialWarningsAsync(cancellationToken);
        _uncovered = await Health.UncoveredLocationsAsync(cancellationToken);
        _failingChannels = (await Channels.FailingChannelsAsync(cancellationToken)).Select(c => (c.Name, c.LastError ?? "failing")).ToList();
    }

    private async Task LoadChangesAsync(CancellationToken cancellationToken) =>
        _changes = await RecentChanges.LatestAsync(ChangesShown, cancellationToken);

    public void Dispose() => _live?.Dispose();
}
