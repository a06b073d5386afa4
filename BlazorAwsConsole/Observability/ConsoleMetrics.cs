using BlazorAwsConsole.Fleet;
using Prometheus;

namespace BlazorAwsConsole.Observability;

/// <summary>
/// The console's Prometheus metrics, served at <c>GET /metrics</c>. One per app instance with its
/// own <see cref="CollectorRegistry"/>: tests run several consoles in one process, and prometheus-net's
/// static default registry would mix their figures. Figures that describe current state (instances,
/// Vault) are computed from the live objects at scrape time, so they always match what pages show;
/// events (syncs, probes, notifications) are counted where they happen through the methods below.
/// </summary>
public sealed class ConsoleMetrics
{
    /// <summary>Every state <c>console_vault_status</c> reports (one of them is 1, the others 0).</summary>
    public static readonly IReadOnlyList<string> VaultStates =
        ["ready", "standby", "sealed", "uninitialized", "unreachable", "denied", "not_configured", "unknown"];

    private readonly Gauge _instances;
    private readonly Gauge _regionStale;
    private readonly Gauge _impaired;
    private readonly Gauge _scheduled;
    private readonly Histogram _syncDuration;
    private readonly Counter _syncErrors;
    private readonly Gauge _vaultStatus;
    private readonly Counter _probeResults;
    private readonly Counter _duplicateRuns;
    private readonly Histogram _probeDuration;
    private readonly Gauge _probeStatus;
    private readonly Gauge _alertsFiring;
    private readonly Counter _notificationFailures;

    public ConsoleMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);

        _instances = factory.CreateGauge("console_instances",
            "EC2 instances in the console's inventory, by region and state (as the fleet pages show them).",
            new GaugeConfiguration { LabelNames = ["region", "state"] });
        _regionStale = factory.CreateGauge("console_region_stale",
            "1 when the region's last poll failed and its instances are shown from the last good data.",
            new GaugeConfiguration { LabelNames = ["region"] });
        _impaired = factory.CreateGauge("console_instances_impaired",
            "Instances with at least one EC2 status check (system, instance, EBS) impaired, by region.",
            new GaugeConfiguration { LabelNames = ["region"] });
        _scheduled = factory.CreateGauge("console_instances_scheduled_event_7d",
            "Instances with an EC2 scheduled event (retirement, reboot, maintenance) starting within 7 days, by region.",
            new GaugeConfiguration { LabelNames = ["region"] });
        _syncDuration = factory.CreateHistogram("console_fleet_sync_duration_seconds",
            "Time to read one region's instances from EC2 during a fleet sync, failed attempts included.",
            new HistogramConfiguration { LabelNames = ["region"], Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _syncErrors = factory.CreateCounter("console_fleet_sync_errors_total",
            "Region syncs that failed (AWS unreachable, refused, or credentials unavailable).",
            new CounterConfiguration { LabelNames = ["region"] });
        _vaultStatus = factory.CreateGauge("console_vault_status",
            "Vault as the console last saw it: 1 for the current state, 0 for the others. States: " + string.Join(", ", VaultStates) + ".",
            new GaugeConfiguration { LabelNames = ["state"] });
        _probeResults = factory.CreateCounter("console_probe_results_total",
            "Synthetic test runs by test, type (ping, traceroute, port, http) and outcome (success, failure).",
            new CounterConfiguration { LabelNames = ["test_id", "test", "type", "location", "outcome"] });
        _duplicateRuns = factory.CreateCounter("console_probe_runs_duplicate_total",
            "Synthetic test runs not stored because their fire (test, scheduled time) was stored already: two nodes ran it at a handover. Should stay 0; a rise means the cluster's fencing or settle time is too short for its database.");
        _probeDuration = factory.CreateHistogram("console_probe_duration_seconds",
            "Synthetic test run durations by test and type.",
            new HistogramConfiguration { LabelNames = ["test_id", "test", "type", "location"], Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _probeStatus = factory.CreateGauge("console_probe_status",
            "The last run of each synthetic test from each of its locations: 1 for its status (up, degraded, down), 0 for the others. Degraded runs count as success in console_probe_results_total.",
            new GaugeConfiguration { LabelNames = ["test_id", "test", "type", "location", "status"] });
        _alertsFiring = factory.CreateGauge("console_alerts_firing",
            "Alerts open now (firing or acknowledged, not resolved), by severity.",
            new GaugeConfiguration { LabelNames = ["severity"] });
        _notificationFailures = factory.CreateCounter("console_notification_failures_total",
            "Alert notification deliveries that failed (each failed attempt), by channel type (webhook, slack, email).",
            new CounterConfiguration { LabelNames = ["channel_type"] });
    }

    /// <summary>The registry <c>/metrics</c> serves; nothing else is in it.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>
    /// Runs <paramref name="collect"/> right before every scrape, to set gauges from current state
    /// (for example <see cref="SetAlertsFiring"/> from the open alerts). It must be quick and not throw.
    /// </summary>
    public void OnCollect(Action collect) => Registry.AddBeforeCollectCallback(collect);

    /// <summary>Called by the fleet sync when one region's read from EC2 finished (<paramref name="failed"/> when it did not succeed).</summary>
    public void RegionSynced(string region, double durationSeconds, bool failed)
    {
        _syncDuration.WithLabels(region).Observe(durationSeconds);
        if (failed) _syncErrors.WithLabels(region).Inc();
    }

    /// <summary>
    /// Called by the probe engine after each synthetic test run: counts
    /// <c>console_probe_results_total{test_id,test,type,location,outcome}</c> and observes
    /// <c>console_probe_duration_seconds{test_id,test,type,location}</c>. <paramref name="type"/> is the test type
    /// in lower case (ping, traceroute, port, http); <paramref name="location"/> the probe location that ran it.
    /// </summary>
    public void ProbeCompleted(int testId, string testName, string type, string location, bool success, double durationSeconds)
    {
        var id = testId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _probeResults.WithLabels(id, testName, type, location, success ? "success" : "failure").Inc();
        _probeDuration.WithLabels(id, testName, type, location).Observe(durationSeconds);
    }

    /// <summary>Raises <c>console_probe_runs_duplicate_total</c> to the writer's count since start (before each scrape).</summary>
    public void DuplicateRuns(long total) => _duplicateRuns.IncTo(total);

    /// <summary>
    /// Sets <c>console_probe_status{test_id,test,type,location,status}</c>: 1 for <paramref name="status"/> (up, degraded,
    /// down), 0 for the other two.
    /// </summary>
    public void ProbeStatus(int testId, string testName, string type, string location, string status)
    {
        var id = testId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var each in ProbeStatuses) _probeStatus.WithLabels(id, testName, type, location, each).Set(each == status ? 1 : 0);
    }

    /// <summary>
    /// Drops the status series of tests that are gone (or renamed) and of locations a test no longer runs from, so a
    /// deleted test or a dropped location does not stay "up" forever. <paramref name="current"/>: (test id, name, location key).
    /// </summary>
    public void KeepProbeStatusOf(IReadOnlySet<(string TestId, string Name, string Location)> current)
    {
        foreach (var labels in _probeStatus.GetAllLabelValues())
        {
            if (!current.Contains((labels[0], labels[1], ProbeLocations.ProbeLocation.KeyOf(labels[3])))) _probeStatus.RemoveLabelled(labels);
        }
    }

    /// <summary>The values of the <c>status</c> label of <c>console_probe_status</c>.</summary>
    public static readonly IReadOnlyList<string> ProbeStatuses = ["up", "degraded", "down"];

    /// <summary>
    /// Sets <c>console_alerts_firing{severity}</c>: the alerts open now with that severity. Call it
    /// whenever the count changes, or from an <see cref="OnCollect"/> callback; set 0 for a severity
    /// with no open alert rather than leaving its last figure.
    /// </summary>
    public void SetAlertsFiring(string severity, int count) => _alertsFiring.WithLabels(severity).Set(count);

    /// <summary>Called by the alert notifier for each failed delivery attempt: counts <c>console_notification_failures_total{channel_type}</c>.</summary>
    public void NotificationFailed(string channelType) => _notificationFailures.WithLabels(channelType).Inc();

    /// <summary>Sets the instance and stale-region gauges from the fleet as this node holds it (before each scrape).</summary>
    internal void CollectFleet(FleetSnapshot fleet)
    {
        var counts = fleet.Instances
            .GroupBy(i => (i.Region, i.State))
            .ToDictionary(g => g.Key, g => g.Count());
        // A (region, state) pair with no instance left disappears from the output rather than staying at its last figure.
        foreach (var labels in _instances.GetAllLabelValues())
        {
            if (!counts.ContainsKey((labels[0], labels[1]))) _instances.RemoveLabelled(labels);
        }
        foreach (var ((region, state), count) in counts) _instances.WithLabels(region, state).Set(count);

        var regions = fleet.Regions;
        foreach (var labels in _regionStale.GetAllLabelValues())
        {
            if (regions.All(r => r.Code != labels[0])) _regionStale.RemoveLabelled(labels);
        }
        foreach (var region in regions) _regionStale.WithLabels(region.Code).Set(region.IsStale ? 1 : 0);

        // Health counts are set for every watched region (0 included), and dropped for regions no longer watched.
        var horizon = DateTime.UtcNow.AddDays(FleetHealth.ScheduledWithinDays);
        foreach (var gauge in new[] { _impaired, _scheduled })
        {
            foreach (var labels in gauge.GetAllLabelValues())
            {
                if (regions.All(r => r.Code != labels[0])) gauge.RemoveLabelled(labels);
            }
        }
        foreach (var region in regions)
        {
            var instances = fleet.Instances.Where(i => i.Region == region.Code).ToList();
            _impaired.WithLabels(region.Code).Set(instances.Count(FleetHealth.IsImpaired));
            _scheduled.WithLabels(region.Code).Set(instances.Count(i => FleetHealth.HasScheduledEventBefore(i, horizon)));
        }
    }

    /// <summary>Sets <c>console_vault_status</c>: 1 for <paramref name="current"/> (one of <see cref="VaultStates"/>), 0 for the others.</summary>
    internal void SetVaultState(string current)
    {
        foreach (var state in VaultStates) _vaultStatus.WithLabels(state).Set(state == current ? 1 : 0);
    }
}
