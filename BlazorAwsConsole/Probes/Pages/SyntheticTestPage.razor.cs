using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Export;
using Microsoft.AspNetCore.Components;

namespace BlazorAwsConsole.Probes.Pages;

public sealed partial class SyntheticTestPage : IDisposable
{
    private const int HistoryPageSize = 25;

    [Parameter] public int Id { get; set; }

    [Inject] private ProbeCatalog Catalog { get; set; } = default!;
    [Inject] private ProbeStatusBoard Board { get; set; } = default!;
    [Inject] private Locations.TestViews Views { get; set; } = default!;
    [Inject] private ProbeQueries Queries { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    /// <summary>Which node runs the test now (the rendezvous owner among the live members this node last read).</summary>
    [Inject] private Cluster.ClusterMembership Membership { get; set; } = default!;

    private SyntheticTest? _test;
    private ProbeStatus _status = new(null, 0, 0, []);
    private Locations.TestVerdict? _verdict;
    private string _range = "1h";

    /// <summary>The shown range's results as CSV; the range is resolved when the link is followed, so a page left open exports the latest hour, not the hour it was opened in.</summary>
    private string CsvUrl => $"/api/synthetic/results?format=csv&testId={Id}&range={_range}";
    private Trend? _trend;
    private List<RoutePeriod> _routes = [];
    private List<ProbeResult> _history = [];
    private int _historyTotal;
    private int _historyPage = 1;
    private bool? _onlySuccess;
    private RenderThrottle? _throttle;
    private readonly List<IDisposable> _subscriptions = [];

    protected override async Task OnParametersSetAsync()
    {
        await LoadAsync();
        if (_throttle is not null) return;
        // Results of this test re-read the page's data; the throttle keeps a burst to a few renders a second.
        _throttle = new RenderThrottle(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }), Time, TimeSpan.FromMilliseconds(500));
        _subscriptions.Add(Feed.Subscribe<ProbeResultsStored>(stored =>
        {
            if (stored.Results.Any(r => r.TestId == Id)) _throttle.MarkDirty();
            return Task.CompletedTask;
        }));
        _subscriptions.Add(Feed.Subscribe<SyntheticTestChanged>(changed =>
        {
            if (changed.TestId == Id) _throttle.MarkDirty();
            return Task.CompletedTask;
        }));
    }

    private async Task LoadAsync()
    {
        _test = Catalog.Find(Id);
        if (_test is null) return;
        _status = Board.StatusOf(Id);
        _verdict = Views.VerdictOf(_test);
        _trend = await Queries.TrendAsync(Id, _range, CancellationToken.None);
        _routes = _test.Type == ProbeType.Traceroute ? await Queries.RoutesAsync(Id, ProbeQueries.Ranges[_range], CancellationToken.None) : [];
        (_history, _historyTotal) = await Queries.ResultsAsync(new ProbeResultFilter(Id, null, null, _onlySuccess), _historyPage, HistoryPageSize, CancellationToken.None);
    }

    private async Task OnRangeChanged(string range)
    {
        _range = range;
        await LoadAsync();
    }

    private async Task OnOutcomeFilter(bool? success)
    {
        _onlySuccess = success;
        _historyPage = 1;
        await LoadAsync();
    }

    private async Task OnHistoryPage(int page)
    {
        _historyPage = page;
        await LoadAsync();
    }

    private static string Ms(double? value) => value is { } ms ? $"{ms:0.##} ms" : "–";

    public void Dispose()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _throttle?.Dispose();
    }
}
