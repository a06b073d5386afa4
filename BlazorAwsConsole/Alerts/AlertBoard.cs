using System.Collections.Concurrent;

namespace BlazorAwsConsole.Alerts;

/// <summary>Published after alerts opened, were acknowledged or resolved: read <see cref="AlertBoard"/> for the rest.</summary>
public sealed record AlertsChanged(IReadOnlyList<Alert> Changed);

/// <summary>
/// The open alerts (firing or acknowledged), held in memory per node like the fleet snapshot, so
/// the dashboard, the wall and the metrics read them without a query. The alert engine is the
/// only writer.
/// </summary>
public sealed class AlertBoard
{
    private readonly ConcurrentDictionary<long, Alert> _open = new();

    /// <summary>Open alerts, most severe first, then newest.</summary>
    public IReadOnlyList<Alert> Open => _open.Values
        .OrderByDescending(a => a.Severity).ThenByDescending(a => a.FiredAt).ToList();

    public IReadOnlyDictionary<AlertSeverity, int> OpenBySeverity =>
        Enum.GetValues<AlertSeverity>().ToDictionary(s => s, s => _open.Values.Count(a => a.Severity == s));

    public Alert? OpenFor(int ruleId, string subjectKey) =>
        _open.Values.FirstOrDefault(a => a.RuleId == ruleId && a.SubjectKey == subjectKey);

    internal void Set(Alert alert)
    {
        if (alert.IsOpen) _open[alert.Id] = alert;
        else _open.TryRemove(alert.Id, out _);
    }

    internal void Load(IEnumerable<Alert> open)
    {
        _open.Clear();
        foreach (var alert in open) _open[alert.Id] = alert;
    }

    internal void ForgetRule(int ruleId)
    {
        foreach (var alert in _open.Values.Where(a => a.RuleId == ruleId).ToList()) _open.TryRemove(alert.Id, out _);
    }
}
