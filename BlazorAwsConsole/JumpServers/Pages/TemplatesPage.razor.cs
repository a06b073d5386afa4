using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.JumpServers.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorAwsConsole.JumpServers.Pages;

/// <summary>Templates with their latest version; create, edit (a new version), delete, launch. Live across browsers.</summary>
public sealed partial class TemplatesPage
{
    [Inject] private CircuitAddress Circuit { get; set; } = default!;
    [Inject] private TemplateService Templates { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private List<(JumpServerTemplate Template, JumpServerTemplateVersion Latest)> _templates = [];
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _throttle = new RenderThrottle(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }));
        _subscription = Feed.Subscribe<TemplatesChanged>(_throttle.OnChange);
    }

    private async Task LoadAsync() => _templates = await Templates.ListAsync(CancellationToken.None);

    private Task CreateAsync() => EditAsync(null, null);

    private async Task EditAsync(int? id, JumpServerTemplateVersion? latest)
    {
        var parameters = new DialogParameters<TemplateDialog>
        {
            { d => d.TemplateId, id },
            { d => d.Version, latest?.Version ?? 0 },
            { d => d.Input, latest is null ? new TemplateInput() : TemplateInput.From(latest) },
        };
        var dialog = await Dialogs.ShowAsync<TemplateDialog>("Template", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(id is null ? "Template saved." : "Template saved as a new version.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task LaunchAsync(int id, string name)
    {
        var parameters = new DialogParameters<LaunchDialog> { { d => d.TemplateId, id }, { d => d.TemplateName, name } };
        var dialog = await Dialogs.ShowAsync<LaunchDialog>("Launch", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false });
        if (await dialog.Result is { Canceled: false, Data: string }) Navigation.NavigateTo("/jump-servers");
    }

    private async Task DeleteAsync(int id, string name)
    {
        var parameters = new DialogParameters<ConfirmActionDialog>
        {
            { d => d.Title, $"Delete template {name}?" },
            { d => d.Message, "Its versions are deleted; jump servers already built from it keep running until their TTL." },
            { d => d.ConfirmText, "Delete" },
        };
        var dialog = await Dialogs.ShowAsync<ConfirmActionDialog>("Delete", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false }) return;
        var actor = new Caller((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);
        Snackbar.Add(await Templates.DeleteAsync(id, actor, CancellationToken.None) ? $"Deleted {name}." : $"{name} was already gone.", Severity.Info);
        await LoadAsync();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
    }
}
