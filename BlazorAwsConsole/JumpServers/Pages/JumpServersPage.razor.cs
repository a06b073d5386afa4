using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorAwsConsole.JumpServers.Pages;

/// <summary>Jump servers from the shared fleet snapshot (Role=jump-server), live, with their TTL and actions.</summary>
public sealed partial class JumpServersPage
{
    [Inject] private CircuitAddress Circuit { get; set; } = default!;
    [Inject] private JumpServerService JumpServers { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private InstanceActionRunner Actions { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private IReadOnlyList<Instance> _servers = [];
    private readonly HashSet<string> _busy = [];
    private RenderThrottle? _throttle;
    private ITimer? _clock;
    private IDisposable? _subscription;

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override void OnInitialized()
    {
        _servers = JumpServers.List();
        _throttle = new RenderThrottle(() => InvokeAsync(() => { _servers = JumpServers.List(); StateHasChanged(); }), Time);
        _subscription = Feed.Subscribe<FleetChanged>(_throttle.OnChange);
        // Age and time left move on their own; redraw them every half minute.
        _clock = Time.CreateTimer(_ => _throttle.MarkDirty(), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    private async Task ExtendAsync(Instance server, int minutes)
    {
        _busy.Add(server.InstanceId);
        try
        {
            var actor = new Caller((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);
            var outcome = await JumpServers.ExtendAsync(server.InstanceId, minutes, actor, CancellationToken.None);
            Snackbar.Add(outcome.Message, outcome.Succeeded ? Severity.Success : Severity.Error);
        }
        finally
        {
            _busy.Remove(server.InstanceId);
            _servers = JumpServers.List();
        }
    }

    private async Task RunAsync(Instance server, InstanceAction action)
    {
        _busy.Add(server.InstanceId);
        try
        {
            await Actions.RunAsync(server, action);
        }
        finally
        {
            _busy.Remove(server.InstanceId);
            _servers = JumpServers.List();
        }
    }

    private static string Span(TimeSpan span) => span.TotalMinutes < 1 ? "under a minute"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min"
        : span.TotalDays < 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : $"{(int)span.TotalDays} d {span.Hours} h";

    public void Dispose()
    {
        _subscription?.Dispose();
        _clock?.Dispose();
        _throttle?.Dispose();
    }
}
