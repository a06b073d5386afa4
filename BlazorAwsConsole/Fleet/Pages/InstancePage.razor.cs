using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.JumpServers.Components;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorAwsConsole.Fleet.Pages;

public sealed partial class InstancePage
{
    private const int HistoryLength = 200;

    [Parameter] public string InstanceId { get; set; } = "";

    [Inject] private FleetSnapshot Snapshot { get; set; } = default!;
    [Inject] private FleetQueries Queries { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private InstanceActionRunner Actions { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private Instance? _instance;
    private RegionSyncStatus? _region;
    private IReadOnlyList<InstanceChange> _changes = [];
    private bool _busy;
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;

    protected override void OnInitialized()
    {
        _throttle = new RenderThrottle(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }));
        _subscription = Feed.Subscribe<FleetChanged>(change =>
        {
            // Only this instance's changes (or a region status update) matter here.
            if (change.Changes.Count == 0 || change.Changes.Any(c => c.InstanceId == InstanceId)) _throttle.MarkDirty();
            return Task.CompletedTask;
        });
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _instance = Snapshot.Find(InstanceId);
        _region = _instance is null ? null : Snapshot.Region(_instance.Region);
        _changes = await Queries.ChangesAsync(new ChangeFilter(InstanceId), 0, HistoryLength, CancellationToken.None);
    }

    private async Task RunAsync(InstanceAction action)
    {
        if (_instance is null) return;
        _busy = true;
        try
        {
            await Actions.RunAsync(_instance, action);
        }
        finally
        {
            _busy = false;
            await LoadAsync();
        }
    }

    /// <summary>The clone dialog (JumpServers feature) reads the source from EC2 and launches the copy.</summary>
    private async Task CloneAsync()
    {
        var parameters = new DialogParameters<CloneDialog> { { d => d.InstanceId, InstanceId } };
        var dialog = await Dialogs.ShowAsync<CloneDialog>("Clone", parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: string cloneId })
        {
            Snackbar.Add($"Launched {cloneId}, a clone of {InstanceId}.", Severity.Success);
            Navigation.NavigateTo($"/instances/{cloneId}");
        }
    }

    /// <summary>AWS notices of the last 7 days, newest first (from the change history already loaded).</summary>
    private IReadOnlyList<InstanceChange> Notices => _changes
        .Where(c => c.Kind == ChangeKind.AwsNotice && c.At >= DateTime.UtcNow.AddDays(-7)).ToList();

    private static IEnumerable<(string, string)> Metadata(Instance i) =>
    [
        ("Instance id", i.InstanceId),
        ("Region / zone", $"{i.Region} / {i.AvailabilityZone}"),
        ("Type", i.InstanceType),
        ("Platform", i.Platform),
        ("Image", i.ImageId),
        ("VPC / subnet", $"{i.VpcId ?? "–"} / {i.SubnetId ?? "–"}"),
        ("Private IP / DNS", $"{i.PrivateIp ?? "–"} / {i.PrivateDns ?? "–"}"),
        ("Public IP / DNS", $"{i.PublicIp ?? "–"} / {i.PublicDns ?? "–"}"),
        ("Key pair", i.KeyName ?? "–"),
        ("Security groups", i.SecurityGroups.Count == 0 ? "–" : string.Join(", ", i.SecurityGroups)),
        ("Launched (UTC)", i.LaunchTime?.ToString("yyyy-MM-dd HH:mm:ss") ?? "–"),
        ("First seen (UTC)", i.FirstSeen.ToString("yyyy-MM-dd HH:mm:ss")),
        ("State changed (UTC)", i.StateChangedAt.ToString("yyyy-MM-dd HH:mm:ss")),
    ];

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
    }
}
