using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts.Components;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorAwsConsole.Alerts.Pages;

public sealed partial class AlertsPage : IDisposable
{
    private const int PageSize = 50;

    [Inject] private AlertService Alerts { get; set; } = default!;
    [Inject] private AlertBoard Board { get; set; } = default!;
    [Inject] private LiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private CircuitAddress Circuit { get; set; } = default!;

    private List<Alert> _alerts = [];
    private int _total;
    private int _page = 1;
    private string _status = "open";
    private AlertSeverity? _severity;
    private List<AlertRule> _rules = [];
    private List<MaintenanceWindow> _windows = [];
    private string? _windowName, _windowRules, _windowTag;
    private int _windowMinutes = 60;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _throttle = new RenderThrottle(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }), Time);
        _subscription = Feed.Subscribe<AlertsChanged>(_throttle.OnChange);
    }

    private async Task LoadAsync()
    {
        bool? open = _status switch { "open" => true, "resolved" => false, _ => null };
        (_alerts, _total) = await Alerts.AlertsAsync(open, _severity, null, _page, PageSize, CancellationToken.None);
        _rules = await Alerts.RulesAsync(CancellationToken.None);
        _windows = await Alerts.WindowsAsync(CancellationToken.None);
    }

    private static string Local(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss");

    private static string Scope(AlertRule rule) =>
        (rule.Condition == AlertCondition.AwsNotice ? $" ({rule.NoticeKind ?? "any"}, {rule.WindowMinutes} min)" : "") +
        (rule.InstanceId is { } id ? $" — {id}" : rule.TestId is { } test ? $" — test {test}" : rule.Tag is { } tag ? $" — tagged {tag}" : "") +
        (rule.Location is { } location ? $" — from {location}" : "");

    private bool Has(string field) => _errors.ContainsKey(field);
    private string? Of(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private async Task OnStatus(string status) { _status = status; _page = 1; await LoadAsync(); }
    private async Task OnSeverity(AlertSeverity? severity) { _severity = severity; _page = 1; await LoadAsync(); }
    private async Task OnPage(int page) { _page = page; await LoadAsync(); }

    private async Task<Caller> CallerAsync() => new((await Authentication.GetAuthenticationStateAsync()).User, Circuit.Address);

    private async Task AcknowledgeAsync(Alert alert)
    {
        var dialog = await Dialogs.ShowAsync<AcknowledgeDialog>("Acknowledge alert", new DialogParameters<AcknowledgeDialog> { { d => d.Summary, alert.Summary } });
        if (await dialog.Result is not { Canceled: false, Data: string comment }) return;
        var (outcome, _) = await Alerts.AcknowledgeAsync(alert.Id, comment, await CallerAsync(), CancellationToken.None);
        Snackbar.Add(outcome == AckOutcome.Acknowledged ? "Acknowledged." : "That alert is already resolved.", outcome == AckOutcome.Acknowledged ? Severity.Success : Severity.Info);
        await LoadAsync();
    }

    private async Task EditRuleAsync(AlertRule? rule)
    {
        var dialog = await Dialogs.ShowAsync<AlertRuleDialog>(rule is null ? "New alert rule" : "Edit alert rule",
            new DialogParameters<AlertRuleDialog> { { d => d.RuleId, rule?.Id }, { d => d.Rule, rule } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false }) await LoadAsync();
    }

    private async Task DeleteRuleAsync(AlertRule rule)
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete rule", $"Delete the rule '{rule.Name}'? Its open alerts resolve; their history stays.", yesText: "Delete", cancelText: "Cancel") != true) return;
        await Alerts.DeleteRuleAsync(rule.Id, await CallerAsync(), CancellationToken.None);
        await LoadAsync();
    }

    private async Task AddWindowAsync()
    {
        var ruleIds = new List<int>();
        foreach (var part in (_windowRules ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var id)) { _errors = new Dictionary<string, string[]> { ["ruleIds"] = [$"'{part}' is not a rule id."] }; return; }
            ruleIds.Add(id);
        }
        var now = Now;
        var (window, errors) = await Alerts.CreateWindowAsync(new MaintenanceWindowDto(0, _windowName, now, now.AddMinutes(_windowMinutes), ruleIds, _windowTag, null),
            await CallerAsync(), CancellationToken.None);
        _errors = errors;
        if (window is not null)
        {
            Snackbar.Add($"Maintenance window '{window.Name}' is on until {Local(window.EndsAt)}.", Severity.Success);
            (_windowName, _windowRules, _windowTag) = (null, null, null);
        }
        await LoadAsync();
    }

    private async Task DeleteWindowAsync(MaintenanceWindow window)
    {
        await Alerts.DeleteWindowAsync(window.Id, await CallerAsync(), CancellationToken.None);
        await LoadAsync();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
    }
}
