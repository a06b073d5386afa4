using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Alerts.Components;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorAwsConsole.Alerts.Pages;

/// <summary>
/// One alert: its fields, its rule's reminders and escalation plan with each step's state, and every notification
/// sent for it. Live: re-read (at most a few times a second) when alerts change, a reminder or step is sent, or a
/// delivery attempt ends.
/// </summary>
public sealed partial class AlertPage : IDisposable
{
    [Parameter] public long Id { get; set; }

    [Inject] private AlertService Alerts { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private CircuitAddress Circuit { get; set; } = default!;

    private AlertDetailDto? _detail;
    private bool _loaded;
    private RenderThrottle? _throttle;
    private readonly List<IDisposable> _subscriptions = [];

    protected override void OnInitialized()
    {
        _throttle = new RenderThrottle(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }), Time);
        _subscriptions.Add(Feed.Subscribe<AlertsChanged>(changed => changed.Changed.Any(a => a.Id == Id) ? _throttle.OnChange(changed) : Task.CompletedTask));
        _subscriptions.Add(Feed.Subscribe<AlertFollowUpSent>(sent => sent.AlertId == Id ? _throttle.OnChange(sent) : Task.CompletedTask));
        // A delivery event names its channel, not its alert: re-read (throttled) on any.
        _subscriptions.Add(Feed.Subscribe<NotificationDeliveryRecorded>(_throttle.OnChange));
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _detail = await Alerts.AlertAsync(Id, CancellationToken.None);
        _loaded = true;
    }

    private static string Local(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss");

    private string Reminders() => _detail switch
    {
        null => "",
        { RepeatEveryMinutes: null, RemindersSent: 0 } => "none (the rule repeats nothing)",
        var d => $"{d.RemindersSent} sent{(d.LastRemindedAt is { } last ? $", the last at {Local(last)}" : "")}"
            + (d.RepeatEveryMinutes is { } every ? $"; every {every} min while firing unacknowledged" : "")
            + (d.NextReminderAt is { } next ? $"; next at {Local(next)}" : d.Alert.Status == "firing" ? "" : "; stopped"),
    };

    private static string StepState(EscalationStepState step) => step.State switch
    {
        "sent" => $"sent at {Local(step.SentAt!.Value)}",
        "due" => $"due at {Local(step.DueAt)} unless acknowledged",
        "stopped-by-acknowledge" => "stopped by acknowledge",
        _ => "stopped by resolve",
    };

    private static string When(AlertDeliveryDto delivery) => delivery switch
    {
        { SentAt: { } sent } => $"sent {Local(sent)}",
        { FailedAt: { } failed } => $"failed {Local(failed)}",
        { NextAttemptAt: { } next } => $"next attempt {Local(next)}",
        _ => Local(delivery.CreatedAt),
    };

    private async Task AcknowledgeAsync()
    {
        if (_detail is null) return;
        var dialog = await Dialogs.ShowAsync<AcknowledgeDialog>("Acknowledge alert", new DialogParameters<AcknowledgeDialog> { { d => d.Summary, _detail.Alert.Summary } });
        if (await dialog.Result is not { Canceled: false, Data: string comment }) return;
        var caller = new Caller((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);
        var (outcome, _) = await Alerts.AcknowledgeAsync(Id, comment, caller, CancellationToken.None);
        Snackbar.Add(outcome == AckOutcome.Acknowledged ? "Acknowledged." : "That alert is already resolved.", outcome == AckOutcome.Acknowledged ? Severity.Success : Severity.Info);
        await LoadAsync();
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _throttle?.Dispose();
    }
}
