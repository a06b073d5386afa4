using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorAwsConsole.Dashboard.Components;

public sealed partial class QuickActionsPanel
{
    /// <summary>The test picker lists this many tests by name; a bigger catalog is run from the tests page.</summary>
    private const int MaxTestsListed = 200;

    [Inject] private FleetSnapshot Fleet { get; set; } = default!;
    [Inject] private ProbeCatalog Catalog { get; set; } = default!;
    [Inject] private SyntheticTestService Tests { get; set; } = default!;
    [Inject] private InstanceActionRunner Actions { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private CircuitAddress Circuit { get; set; } = default!;

    /// <summary>Raised after an action, so the page reloads what it changed (the change log).</summary>
    [Parameter] public EventCallback OnActed { get; set; }

    private Instance? _instance;
    private int? _testId;
    private bool _busy;
    private bool _running;

    /// <summary>The picked instance as the snapshot has it now (its state changes live).</summary>
    private Instance? Current => _instance is null ? null : Fleet.Find(_instance.InstanceId);

    private static string Label(Instance instance) =>
        string.IsNullOrEmpty(instance.Name) ? $"{instance.InstanceId} ({instance.Region})" : $"{instance.Name} ({instance.InstanceId}, {instance.Region})";

    private Task<IEnumerable<Instance>> SearchInstancesAsync(string? text, CancellationToken cancellationToken)
    {
        var query = text?.Trim() ?? "";
        IEnumerable<Instance> matches = Fleet.Ordered.Where(i => i.State is "running" or "stopped"
            && (query.Length == 0 || i.InstanceId.Contains(query, StringComparison.OrdinalIgnoreCase) || i.Name.Contains(query, StringComparison.OrdinalIgnoreCase)));
        return Task.FromResult(matches.Take(20));
    }

    private async Task RunInstanceActionAsync(InstanceAction action)
    {
        if (Current is not { } instance) return;
        _busy = true;
        try
        {
            await Actions.RunAsync(instance, action);
        }
        finally
        {
            _busy = false;
        }
        await OnActed.InvokeAsync();
    }

    private async Task RunTestAsync()
    {
        if (_testId is not { } id || Catalog.Find(id) is not { } test) return;
        _running = true;
        try
        {
            var caller = new Caller((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);
            var result = await Tests.RunNowAsync(id, caller, CancellationToken.None);
            if (result is null) Snackbar.Add($"{test.Name} is already running.", Severity.Info);
            else Snackbar.Add($"{test.Name}: {(result.Success ? "passed" : "failed")} — {result.Reason}",
                result.Status switch { ProbeHealth.Up => Severity.Success, ProbeHealth.Degraded => Severity.Warning, _ => Severity.Error });
        }
        catch (Exception error)
        {
            // A runner that throws must not take the dashboard down with it.
            Snackbar.Add($"{test.Name} could not run: {error.Message}", Severity.Error);
        }
        finally
        {
            _running = false;
        }
        await OnActed.InvokeAsync();
    }

    private async Task NewTestAsync()
    {
        var dialog = await Dialogs.ShowAsync<TestDialog>("New synthetic test",
            new DialogParameters<TestDialog> { { d => d.TestId, null }, { d => d.Form, new TestForm() } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false }) Snackbar.Add("Test saved; its first run starts now.", Severity.Success);
    }
}
