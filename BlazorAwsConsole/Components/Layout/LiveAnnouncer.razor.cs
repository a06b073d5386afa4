using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.AspNetCore.Components;

namespace BlazorAwsConsole.Components.Layout;

/// <summary>
/// Turns live-feed events into one short announcement: "Test web answers started failing: HTTP 503…",
/// "Critical alert: moto API down — …". Events are coalesced like every live component (one render per
/// throttle tick); when several things happen in one tick the line names the first and counts the rest,
/// so a burst is one sentence, not a queue a screen reader reads for minutes.
/// </summary>
public sealed partial class LiveAnnouncer : IDisposable
{
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private ProbeCatalog Catalog { get; set; } = default!;
    [Inject] private ProbeStatusBoard Board { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private readonly List<string> _pending = [];
    private RenderThrottle? _throttle;
    private IDisposable? _results;
    private IDisposable? _alerts;
    private string _line = "";

    protected override void OnInitialized()
    {
        _throttle = new RenderThrottle(() => InvokeAsync(Flush), Time);
        _results = Feed.Subscribe<ProbeResultsStored>(OnResults);
        _alerts = Feed.Subscribe<AlertsChanged>(OnAlerts);
    }

    private Task OnResults(ProbeResultsStored stored)
    {
        var lines = new List<string>();
        foreach (var results in stored.Results.GroupBy(r => r.TestId))
        {
            // A test "starts failing" when its run of failures began inside this batch: the board's
            // streak (already updated) is no longer than the failures at the end of the batch.
            var trailingFailures = results.Reverse().TakeWhile(r => !r.Success).Count();
            if (trailingFailures == 0 || Board.StatusOf(results.Key).ConsecutiveFailures > trailingFailures) continue;
            var name = Catalog.Find(results.Key)?.Name ?? $"test {results.Key}";
            lines.Add($"Test {name} started failing: {results.Last().Reason}");
        }
        Add(lines);
        return Task.CompletedTask;
    }

    private Task OnAlerts(AlertsChanged changed)
    {
        // Only a newly fired alert is news; acknowledgements and resolutions are seen on the pages.
        Add(changed.Changed.Where(a => a.Status == AlertStatus.Firing && a.AcknowledgedAt is null)
            .Select(alert => $"{Capitalised(alert.Severity)} alert: {alert.RuleName} — {alert.Summary}").ToList());
        return Task.CompletedTask;
    }

    /// <summary>Queues one event's lines together, so a tick never splits them.</summary>
    private void Add(IReadOnlyList<string> lines)
    {
        if (lines.Count == 0) return;
        lock (_pending) _pending.AddRange(lines);
        _throttle?.MarkDirty();
    }

    private void Flush()
    {
        lock (_pending)
        {
            if (_pending.Count == 0) return;
            _line = _pending.Count == 1 ? _pending[0] : $"{_pending[0]} (and {_pending.Count - 1} more)";
            _pending.Clear();
        }
        StateHasChanged();
    }

    private static string Capitalised(AlertSeverity severity)
    {
        var word = severity.ToString();
        return word[..1].ToUpperInvariant() + word[1..].ToLowerInvariant();
    }

    public void Dispose()
    {
        _results?.Dispose();
        _alerts?.Dispose();
        _throttle?.Dispose();
    }
}
