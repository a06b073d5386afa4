using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace BlazorAwsConsole.JumpServers.Components;

public sealed partial class LaunchDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Parameter, EditorRequired] public int TemplateId { get; set; }
    [Parameter] public string TemplateName { get; set; } = "";

    [Inject] private CircuitAddress Circuit { get; set; } = default!;
    [Inject] private TemplateService Templates { get; set; } = default!;
    [Inject] private JumpServerProvisioner Provisioner { get; set; } = default!;
    [Inject] private IDbContextFactory<ConsoleDbContext> Contexts { get; set; } = default!;
    [Inject] private FleetSnapshot Snapshot { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private readonly Guid _operationId = Guid.NewGuid();
    private LaunchOperation? _operation;
    private Instance? _instance;
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;

    protected override void OnInitialized()
    {
        _throttle = new RenderThrottle(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }));
        _subscription = Feed.Subscribe<LaunchProgress>(progress =>
        {
            if (progress.OperationId == _operationId) _throttle.MarkDirty();
            return Task.CompletedTask;
        });
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        if (await Templates.GetAsync(TemplateId, null, CancellationToken.None) is not { } found)
        {
            _operation = new LaunchOperation { Region = "", StartedBy = "", Status = OperationStatus.Failed, Error = "The template was deleted." };
            StateHasChanged();
            return;
        }
        var actor = new Caller((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);
        // Not tied to the dialog: a launch that started finishes (or rolls back) even if the browser goes away.
        await Provisioner.LaunchAsync(found.Template, found.Version, actor, _operationId, CancellationToken.None);
        await LoadAsync();
        StateHasChanged();
    }

    private async Task LoadAsync()
    {
        await using var db = await Contexts.CreateDbContextAsync();
        _operation = await db.LaunchOperations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == _operationId) ?? _operation;
        _instance = _operation?.InstanceId is { } id ? Snapshot.Find(id) : null;
    }

    private static string Icon(StepStatus status) => status switch
    {
        StepStatus.Done => Icons.Material.Filled.CheckCircle,
        StepStatus.Running => Icons.Material.Filled.HourglassTop,
        StepStatus.Failed => Icons.Material.Filled.Error,
        StepStatus.RolledBack => Icons.Material.Filled.Undo,
        _ => Icons.Material.Filled.RadioButtonUnchecked,
    };

    private static Color Colour(StepStatus status) => status switch
    {
        StepStatus.Done => Color.Success,
        StepStatus.Running => Color.Info,
        StepStatus.Failed => Color.Error,
        StepStatus.RolledBack => Color.Warning,
        _ => Color.Default,
    };

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
    }
}
