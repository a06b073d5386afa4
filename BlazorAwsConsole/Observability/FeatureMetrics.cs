using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Probes;

namespace BlazorAwsConsole.Observability;

/// <summary>Feeds the metrics of synthetic tests and alerts: every stored result as it is written, the open alerts at scrape time.</summary>
public sealed class FeatureMetrics(ConsoleMetrics metrics, ProbeResultWriter results, ProbeCatalog tests, AlertBoard alerts, Probes.Locations.TestViews views)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        results.BatchStored += OnResults;
        metrics.OnCollect(() =>
        {
            metrics.DuplicateRuns(results.Duplicates);
            metrics.KeepProbeStatusOf(tests.Tests.SelectMany(t => t.EffectiveLocations(views.ConsoleLocation)
                .Select(l => (t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Name, ProbeLocations.ProbeLocation.KeyOf(l)))).ToHashSet());
            var open = alerts.Open;
            foreach (var severity in Enum.GetValues<AlertSeverity>())
            {
                metrics.SetAlertsFiring(severity.ToString().ToLowerInvariant(), open.Count(a => a.Severity == severity && a.Status == AlertStatus.Firing));
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        results.BatchStored -= OnResults;
        return Task.CompletedTask;
    }

    private void OnResults(IReadOnlyList<ProbeResult> stored)
    {
        foreach (var result in stored)
        {
            var name = tests.Find(result.TestId)?.Name ?? "";
            var type = SyntheticTestDto.TypeName(result.Type);
            metrics.ProbeCompleted(result.TestId, name, type, result.Location, result.Success, result.DurationMs / 1000);
            metrics.ProbeStatus(result.TestId, name, type, result.Location, ProbeHealthRules.Name(result.Status));
        }
    }
}
