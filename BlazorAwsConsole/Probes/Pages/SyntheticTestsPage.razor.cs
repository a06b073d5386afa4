using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorAwsConsole.Probes.Pages;

public sealed partial class SyntheticTestsPage : IDisposable
{
    [Inject] private ProbeCatalog Catalog { get; set; } = default!;
    [Inject] private ProbeStatusBoard Board { get; set; } = default!;
    [Inject] private Locations.TestViews Views { get; set; } = default!;
    [Inject] private SyntheticTestService Tests { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private CircuitAddress Circuit { get; set; } = default!;

    private List<SyntheticTest> _shown = [];
    private readonly HashSet<int> _running = [];
    private string _search = "";
    private int _passing;
    private int _degraded;
    private int _failing;
    private RenderThrottle? _throttle;
    private readonly List<IDisposable> _subscriptions = [];

    protected override void OnInitialized()
    {
        Refresh();
        _throttle = new RenderThrottle(() => InvokeAsync(() => { Refresh(); StateHasChanged(); }), Time);
        _subscriptions.Add(Feed.Subscribe<ProbeResultsStored>(_throttle.OnChange));
        _subscriptions.Add(Feed.Subscribe<SyntheticTestChanged>(_throttle.OnChange));
    }

    private void Refresh()
    {
        var all = Catalog.Tests.ToList();
        _shown = all
            .Where(t => _search.Length == 0
                || t.Name.Contains(_search, StringComparison.OrdinalIgnoreCase)
                || t.Target.Contains(_search, StringComparison.OrdinalIgnoreCase)
                || t.Tags.Any(tag => $"{tag.Key}={tag.Value}".Contains(_search, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Id)
            .ToList();
        // Counted by each test's verdict across its locations (its last run when it runs from one), as the dashboard counts.
        var verdicts = all.Select(t => Views.VerdictOf(t).Status).Where(s => s is not null).ToList();
        _passing = verdicts.Count(s => s == ProbeHealth.Up);
        _degraded = verdicts.Count(s => s == ProbeHealth.Degraded);
        _failing = verdicts.Count(s => s == ProbeHealth.Down);
    }

    private void OnSearch(string text)
    {
        _search = text?.Trim() ?? "";
        Refresh();
    }

    private string Ago(DateTime at)
    {
        var seconds = (Time.GetUtcNow().UtcDateTime - at).TotalSeconds;
        return seconds < 60 ? $"{Math.Max(0, seconds):0} s ago" : seconds < 3600 ? $"{seconds / 60:0} min ago" : $"{seconds / 3600:0.#} h ago";
    }

    public static string Every(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds / 3600} h" : seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} s";

    private async Task<Caller> CallerAsync() => new((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);

    private async Task NewAsync() => await OpenDialogAsync(null, new TestForm());

    private async Task EditAsync(SyntheticTest test) => await OpenDialogAsync(test.Id, TestForm.From(test));

    private async Task OpenDialogAsync(int? id, TestForm form)
    {
        var dialog = await Dialogs.ShowAsync<TestDialog>(id is null ? "New synthetic test" : "Edit synthetic test",
            new DialogParameters<TestDialog> { { d => d.TestId, id }, { d => d.Form, form } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(id is null ? "Test saved; its first run starts now." : "Test saved.", Severity.Success);
            Refresh();
        }
    }

    private async Task RunNowAsync(SyntheticTest test)
    {
        _running.Add(test.Id);
        try
        {
            var result = await Tests.RunNowAsync(test.Id, await CallerAsync(), CancellationToken.None);
            if (result is null) Snackbar.Add($"{test.Name} is already running.", Severity.Info);
            else Snackbar.Add($"{test.Name}: {(result.Success ? "passed" : "failed")} — {result.Reason}",
                result.Status switch { ProbeHealth.Up => Severity.Success, ProbeHealth.Degraded => Severity.Warning, _ => Severity.Error });
        }
        finally
        {
            _running.Remove(test.Id);
            Refresh();
        }
    }

    private async Task ToggleAsync(SyntheticTest test)
    {
        var result = await Tests.SetEnabledAsync(test.Id, !test.Enabled, await CallerAsync(), CancellationToken.None);
        if (result.Errors.Count > 0) Snackbar.Add(string.Join(" ", result.Errors.SelectMany(e => e.Value)), Severity.Error);
        Refresh();
    }

    private async Task DeleteAsync(SyntheticTest test)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete test",
            $"Delete '{test.Name}' and all of its results? This cannot be undone.", yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;
        await Tests.DeleteAsync(test.Id, await CallerAsync(), CancellationToken.None);
        Snackbar.Add($"Deleted {test.Name}.", Severity.Success);
        Refresh();
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _throttle?.Dispose();
    }
}
