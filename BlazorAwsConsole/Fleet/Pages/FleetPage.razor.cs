using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.JumpServers.Components;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorAwsConsole.Fleet.Pages;

public sealed partial class FleetPage
{
    [Inject] private FleetSnapshot Snapshot { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private InstanceActionRunner Actions { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Authentication { get; set; }
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The status-check filter to open with (<c>/fleet?health=impaired</c>, as the dashboard and the wall link); unknown values are ignored.</summary>
    [SupplyParameterFromQuery(Name = "health")] public string? HealthQuery { get; set; }

    private InstanceFilter _filter = new();
    private IReadOnlyList<Instance> _shown = [];
    private IReadOnlyList<string> _regionCodes = [];
    private HashSet<Instance> _selected = new(InstanceIdComparer.Instance);
    private readonly HashSet<string> _busy = [];
    private Func<InstanceAction, bool> _allowed = _ => false;
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override async Task OnInitializedAsync()
    {
        if (Authentication is not null)
        {
            var user = (await Authentication).User;
            _allowed = action => InstanceActionService.IsAllowed(action, user);
        }
        if (HealthQuery is not null && FleetHealth.Filters.Contains(HealthQuery)) _filter = _filter with { Health = HealthQuery };
        Refresh();
        _throttle = new RenderThrottle(() => InvokeAsync(() => { Refresh(); StateHasChanged(); }), Time);
        _subscription = Feed.Subscribe<FleetChanged>(_throttle.OnChange);
    }

    /// <summary>
    /// Re-reads the shared snapshot: the page keeps only its filter and, when it filters, the
    /// references to the rows it shows; unfiltered, it shows the snapshot's own ordered array.
    /// </summary>
    private void Refresh()
    {
        _shown = _filter.IsEmpty ? Snapshot.Ordered : _filter.Apply(Snapshot.Ordered).ToList();
        _regionCodes = Snapshot.Regions.Select(r => r.Code).ToList();
        // Keep the selection on the current rows, dropping instances that are gone.
        _selected = new HashSet<Instance>(_selected.Select(i => Snapshot.Find(i.InstanceId)).OfType<Instance>(), InstanceIdComparer.Instance);
    }

    private void OnFilterChanged(InstanceFilter filter)
    {
        _filter = filter;
        Refresh();
    }

    private async Task RunAsync((Instance Instance, InstanceAction Action) request)
    {
        _busy.Add(request.Instance.InstanceId);
        try
        {
            await Actions.RunAsync(request.Instance, request.Action);
        }
        finally
        {
            _busy.Remove(request.Instance.InstanceId);
            Refresh();
        }
    }

    private Task StartSelectedAsync() => RunManyAsync(InstanceAction.Start, "stopped");

    private Task StopSelectedAsync() => RunManyAsync(InstanceAction.Stop, "running");

    private async Task RunManyAsync(InstanceAction action, string fromState)
    {
        var targets = _selected.Where(i => i.State == fromState).ToList();
        targets.ForEach(i => _busy.Add(i.InstanceId));
        try
        {
            await Actions.RunManyAsync(targets, action);
        }
        finally
        {
            targets.ForEach(i => _busy.Remove(i.InstanceId));
            Refresh();
        }
    }

    /// <summary>The launch dialog (JumpServers feature); the new instance shows in the grid through the live feed.</summary>
    private async Task LaunchInstanceAsync()
    {
        var dialog = await Dialogs.ShowAsync<LaunchInstanceDialog>("Launch instance", new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: string instanceId }) Snackbar.Add($"Launched {instanceId}.", Severity.Success);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
    }
}
