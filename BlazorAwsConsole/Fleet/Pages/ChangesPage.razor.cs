using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace BlazorAwsConsole.Fleet.Pages;

/// <summary>The recent change log across the fleet, paged from the database, live.</summary>
public sealed partial class ChangesPage
{
    private const int PageSize = 50;

    [Inject] private FleetQueries Queries { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;

    private IReadOnlyList<InstanceChange> _changes = [];
    private int _total;
    private int _page = 1;
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;

    private int PageCount => Math.Max(1, (_total + PageSize - 1) / PageSize);

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _throttle = new RenderThrottle(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }));
        _subscription = Feed.Subscribe<FleetChanged>(change =>
        {
            if (change.Changes.Count > 0) _throttle.MarkDirty();
            return Task.CompletedTask;
        });
    }

    private async Task OnPageChanged(int page)
    {
        _page = page;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var filter = new ChangeFilter();
        _total = await Queries.CountChangesAsync(filter, CancellationToken.None);
        _changes = await Queries.ChangesAsync(filter, (_page - 1) * PageSize, PageSize, CancellationToken.None);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
    }
}
