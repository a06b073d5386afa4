using BlazorAwsConsole.Cluster;
using Microsoft.AspNetCore.Components;

namespace BlazorAwsConsole.Cluster.Pages;

/// <summary>
/// Settings > Cluster: the nodes and their check-ins, read again on a timer (a check-in is not an
/// event on the live feed: on PostgreSQL other nodes' check-ins are only in the database).
/// </summary>
public sealed partial class ClusterPage : IDisposable
{
    /// <summary>How often the page reads the node list again.</summary>
    internal const int RefreshSeconds = 2;

    [Inject] private IClusterNodes Nodes { get; set; } = null!;
    [Inject] private SchedulerCheckIn CheckIn { get; set; } = null!;
    [Inject] private ClusterMembership Membership { get; set; } = null!;
    [Inject] private TimeProvider Time { get; set; } = null!;

    private ClusterView? _view;
    private ITimer? _timer;

    private DateTimeOffset Now => Time.GetUtcNow();

    protected override async Task OnInitializedAsync()
    {
        _view = await Nodes.ListAsync(CancellationToken.None);
        var period = TimeSpan.FromSeconds(RefreshSeconds);
        _timer = Time.CreateTimer(_ => _ = InvokeAsync(RefreshAsync), null, period, period);
    }

    private async Task RefreshAsync()
    {
        _view = await Nodes.ListAsync(CancellationToken.None);
        StateHasChanged();
    }

    private string Ago(DateTimeOffset at)
    {
        var seconds = Math.Max(0, (Now - at).TotalSeconds);
        return seconds < 90 ? $"{seconds:0} s ago" : $"{seconds / 60:0} min ago";
    }

    public void Dispose() => _timer?.Dispose();
}
