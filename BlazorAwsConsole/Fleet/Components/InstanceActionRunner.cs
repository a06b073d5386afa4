using BlazorAwsConsole.Access;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorAwsConsole.Fleet.Components;

/// <summary>
/// How a page runs an instance action: asks for confirmation where the action stops or destroys,
/// shows progress and the result in a snackbar, and names the signed-in user as the actor.
/// One per circuit.
/// </summary>
public sealed class InstanceActionRunner(
    InstanceActionService actions,
    IDialogService dialogs,
    ISnackbar snackbar,
    AuthenticationStateProvider authentication,
    CircuitAddress circuitAddress)
{
    public async Task<bool> RunAsync(Instance instance, InstanceAction action)
    {
        if (!await ConfirmAsync(instance, action)) return false;

        var label = string.IsNullOrEmpty(instance.Name) ? instance.InstanceId : instance.Name;
        var progress = snackbar.Add($"{Verb(action)} {label}…", Severity.Info, o => o.VisibleStateDuration = 60_000);
        var outcome = await actions.ExecuteAsync(instance.InstanceId, action, await CallerAsync(), CancellationToken.None);
        if (progress is not null) snackbar.Remove(progress);
        snackbar.Add(outcome.Message, outcome.Succeeded ? Severity.Success : Severity.Error);
        return outcome.Succeeded;
    }

    /// <summary>Starts or stops several instances after one confirmation (for stop).</summary>
    public async Task RunManyAsync(IReadOnlyCollection<Instance> instances, InstanceAction action)
    {
        if (instances.Count == 0) return;
        if (action is InstanceAction.Stop or InstanceAction.Terminate)
        {
            var confirmed = await AskAsync($"{action} {instances.Count} instances?",
                $"{string.Join(", ", instances.Take(10).Select(i => string.IsNullOrEmpty(i.Name) ? i.InstanceId : i.Name))}{(instances.Count > 10 ? ", …" : "")}",
                action.ToString(), requireTypedName: false, instance: null);
            if (!confirmed) return;
        }
        var progress = snackbar.Add($"{Verb(action)} {instances.Count} instances…", Severity.Info, o => o.VisibleStateDuration = 60_000);
        var outcomes = await actions.ExecuteManyAsync(instances.Select(i => i.InstanceId), action, await CallerAsync(), CancellationToken.None);
        if (progress is not null) snackbar.Remove(progress);
        var failed = outcomes.Where(o => !o.Outcome.Succeeded).ToList();
        snackbar.Add(failed.Count == 0
                ? $"{action} sent to {outcomes.Count} instances."
                : $"{outcomes.Count - failed.Count} of {outcomes.Count} done; {string.Join("; ", failed.Select(f => $"{f.InstanceId}: {f.Outcome.Message}"))}",
            failed.Count == 0 ? Severity.Success : Severity.Error);
    }

    private Task<bool> ConfirmAsync(Instance instance, InstanceAction action) => action switch
    {
        InstanceAction.Terminate => AskAsync($"Terminate {instance.InstanceId}?",
            $"Terminating {Describe(instance)} destroys it and its instance-store data. This cannot be undone.",
            "Terminate", requireTypedName: true, instance),
        InstanceAction.Stop => AskAsync($"Stop {instance.InstanceId}?",
            $"Stopping {Describe(instance)} shuts it down; its public IP may change when it starts again.",
            "Stop", requireTypedName: false, instance),
        _ => Task.FromResult(true),
    };

    private async Task<bool> AskAsync(string title, string message, string confirmText, bool requireTypedName, Instance? instance)
    {
        var parameters = new DialogParameters<ConfirmActionDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.ConfirmText, confirmText },
            { d => d.RequireTypedName, requireTypedName },
            { d => d.Instance, instance },
        };
        var dialog = await dialogs.ShowAsync<ConfirmActionDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }

    /// <summary>The signed-in user; the address is the one the circuit was opened from.</summary>
    private async Task<Caller> CallerAsync() =>
        new((await authentication.GetAuthenticationStateAsync()).User, circuitAddress.Address);

    private static string Describe(Instance instance) =>
        string.IsNullOrEmpty(instance.Name) ? instance.InstanceId : $"{instance.Name} ({instance.InstanceId}, {instance.Region})";

    private static string Verb(InstanceAction action) => action switch
    {
        InstanceAction.Start => "Starting",
        InstanceAction.Stop => "Stopping",
        InstanceAction.Reboot => "Rebooting",
        _ => "Terminating",
    };
}
