using System.Globalization;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace BlazorAwsConsole.Dashboard.Pages;

/// <summary>
/// The wall screen: the problems as big figures (sorted first), then the lists behind them, then the
/// healthy totals, all on one 1920x1080 screen; lists are cut to fit ("+ N more"), nothing cycles.
/// </summary>
public sealed partial class WallPage : IDisposable
{
    /// <summary>Rows per list that fit the screen at the wall's type size (about 16 fit in a list panel at 1080 px).</summary>
    public const int MaxRows = 13;

    /// <summary>The warnings list also holds Vault and up to three credentials, so it lists fewer regions.</summary>
    public const int MaxRegionRows = 8;

    /// <summary>Instance states on their way somewhere: worth a look when they stay.</summary>
    private static readonly string[] TransitionStates = ["pending", "stopping", "shutting-down"];

    [Inject] private FleetSnapshot Fleet { get; set; } = default!;
    [Inject] private AlertBoard AlertBoard { get; set; } = default!;
    [Inject] private ProbeOverview Probes { get; set; } = default!;
    [Inject] private HealthWarnings Health { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private StoppedInstancePolicy StoppedPolicy { get; set; } = default!;

    private DashboardLive? _live;
    private IReadOnlyList<WallTile> _tiles = [];
    private ProbeSummary? _summary;
    private IReadOnlyList<Alert> _alerts = [];
    private IReadOnlyList<RegionSyncStatus> _staleRegions = [];
    private IReadOnlyList<ProbeLocations.UncoveredLocation> _uncovered = [];
    private IReadOnlyList<CredentialWarning> _credentials = [];
    private string? _vaultProblem;
    private IReadOnlyDictionary<string, int> _regions = new Dictionary<string, int>();
    private int _total;
    private int _running;
    private int _stoppedExpected;
    private DateTime _asOf;

    protected override void OnInitialized() => _live = new DashboardLive(Feed, Time, InvokeAsync, StateHasChanged);

    private async Task LoadTiles(CancellationToken cancellationToken)
    {
        var states = Fleet.CountsByState;
        // Only stopped instances a rule says matter are a problem; the others are counted in the footer.
        var stopped = await StoppedPolicy.CountAsync(Fleet.Instances, cancellationToken);
        _stoppedExpected = stopped.Expected;
        var alerts = AlertBoard.OpenBySeverity;
        var tests = Probes.Summary();
        var health = FleetHealth.Count(Fleet.Instances, Time.GetUtcNow().UtcDateTime);
        _tiles = WallTile.ProblemsFirst(
        [
            new WallTile("failing-tests", "Failing tests", tests.Failing, 2),
            new WallTile("degraded-tests", "Degraded tests", tests.Degraded, 1),
            new WallTile("alerts-critical", "Critical alerts", alerts.GetValueOrDefault(AlertSeverity.Critical), 2),
            new WallTile("alerts-warning", "Warning alerts", alerts.GetValueOrDefault(AlertSeverity.Warning), 1),
            new WallTile("stale-regions", "Stale regions", Health.StaleRegions().Count, 1),
            new WallTile("stopped", "Stopped (watched)", stopped.Problem, 1),
            new WallTile("impaired", "Status check impaired", health.Impaired, 2, "/fleet?health=impaired"),
            new WallTile("scheduled-events", $"Scheduled event ≤ {FleetHealth.ScheduledWithinDays} days", health.ScheduledSoon, 1, "/fleet?health=scheduled"),
            new WallTile("in-transition", "Pending / stopping", TransitionStates.Sum(s => states.GetValueOrDefault(s)), 1),
        ]);
    }

    /// <summary>Big figures with thousands separators ("10,000") whatever the culture (InvariantGlobalization is on).</summary>
    internal static string Figure(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private Task LoadTests(CancellationToken _)
    {
        _summary = Probes.Summary();
        return Task.CompletedTask;
    }

    private Task LoadAlerts(CancellationToken _)
    {
        _alerts = AlertBoard.Open;
        return Task.CompletedTask;
    }

    private async Task LoadWarningsAsync(CancellationToken cancellationToken)
    {
        _staleRegions = Health.StaleRegions();
        _vaultProblem = Health.VaultProblem;
        _credentials = await Health.CredentialWarningsAsync(cancellationToken);
        _uncovered = await Health.UncoveredLocationsAsync(cancellationToken);
    }

    private Task LoadFleet(CancellationToken _)
    {
        var states = Fleet.CountsByState;
        _total = states.Values.Sum();
        _running = states.GetValueOrDefault("running");
        _regions = Fleet.CountsByRegion;
        _asOf = Time.GetUtcNow().UtcDateTime;
        return Task.CompletedTask;
    }

    public void Dispose() => _live?.Dispose();
}
