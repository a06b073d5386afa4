using System.Net;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Observability;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Observability;

/// <summary>/metrics is valid Prometheus text, behind a Viewer key, and its figures are the console's own.</summary>
public sealed class MetricsTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Instance_counts_match_the_database_after_a_sync()
    {
        await moto.ResetAsync();
        var east = moto.Ec2("us-east-1");
        var west = moto.Ec2("eu-west-1");
        var stopped = await Ec2Fleet.LaunchAsync(east, "metrics-east-1");
        await Ec2Fleet.LaunchAsync(east, "metrics-east-2");
        await Ec2Fleet.LaunchAsync(east, "metrics-east-3");
        await Ec2Fleet.LaunchAsync(west, "metrics-west-1");
        await Ec2Fleet.StopAsync(east, stopped);
        // moto shares two cores with other builds: give it time rather than count a slow answer as a sync error.
        await using var console = await ConsoleHost.StartAsync(moto, "Aws:TimeoutSeconds=20");
        await console.SyncAsync();

        var metrics = await ScrapeAsync(console, await console.ClientAsync(ConsoleRoles.Viewer));

        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var stored = await db.Instances.GroupBy(i => new { i.Region, i.State }).Select(g => new { g.Key.Region, g.Key.State, Count = g.Count() }).ToListAsync();
        stored.Should().Contain(s => s.Region == "us-east-1" && s.State == "stopped" && s.Count == 1);
        stored.Should().Contain(s => s.Region == "us-east-1" && s.State == "running" && s.Count == 2);
        metrics.Types["console_instances"].Should().Be("gauge");
        metrics.Find("console_instances").Select(s => (s["region"], s["state"], (int)s.Value))
            .Should().BeEquivalentTo(stored.Select(s => (s.Region, s.State, s.Count)), "every (region, state) figure is the database's, and no other");

        metrics.Types["console_fleet_sync_duration_seconds"].Should().Be("histogram");
        foreach (var region in new[] { "us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2" })
        {
            metrics.Value("console_fleet_sync_duration_seconds_count", ("region", region)).Should().Be(1, $"{region} was synced once");
            metrics.Value("console_region_stale", ("region", region)).Should().Be(0);
        }
        metrics.Find("console_fleet_sync_errors_total").Should().BeEmpty("no region failed");
        metrics.Value("console_vault_status", ("state", "not_configured")).Should().Be(1, "this console has no Vault");
        metrics.Find("console_vault_status").Where(s => s.Value == 1).Should().ContainSingle();

        // A change in the fleet shows at the next scrape: it is read at scrape time.
        await Ec2Fleet.StopAsync(west, (await db.Instances.SingleAsync(i => i.Region == "eu-west-1")).InstanceId);
        await console.SyncAsync();
        var after = await ScrapeAsync(console, console.Http);
        after.Value("console_instances", ("region", "eu-west-1"), ("state", "stopped")).Should().Be(1);
        after.Value("console_instances", ("region", "eu-west-1"), ("state", "running")).Should().BeNull("no instance is running there any more");
    }

    [Fact]
    public async Task Sync_errors_are_counted_per_region_and_the_region_is_shown_stale()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SetRegionEndpointAsync("ap-southeast-2", ConsoleHost.DeadEndpoint());

        await console.SyncAsync();
        await console.SyncAsync();

        var metrics = await ScrapeAsync(console, console.Http);
        metrics.Value("console_fleet_sync_errors_total", ("region", "ap-southeast-2")).Should().Be(2);
        metrics.Value("console_fleet_sync_errors_total", ("region", "us-east-1")).Should().BeNull();
        metrics.Value("console_fleet_sync_duration_seconds_count", ("region", "ap-southeast-2")).Should().Be(2, "failed attempts are timed too");
        metrics.Value("console_region_stale", ("region", "ap-southeast-2")).Should().Be(1);
        metrics.Value("console_region_stale", ("region", "us-east-1")).Should().Be(0);
    }

    [Fact]
    public async Task Metrics_need_a_viewer_key()
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        (await console.Anonymous.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var wrongKey = new HttpClient { BaseAddress = console.BaseAddress };
        wrongKey.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-key");
        (await wrongKey.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var viewer = await (await console.ClientAsync(ConsoleRoles.Viewer)).GetAsync("/metrics");
        viewer.StatusCode.Should().Be(HttpStatusCode.OK);
        viewer.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
    }

    [Fact]
    public async Task Probe_alert_and_notification_figures_fed_through_the_hooks_are_served_by_that_console_only()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        await using var other = await ConsoleHost.StartAsync(moto);
        var metrics = console.Get<ConsoleMetrics>();

        metrics.ProbeCompleted(7, "web \"front\"", "http", "console", success: true, 0.120);
        metrics.ProbeCompleted(7, "web \"front\"", "http", "console", success: false, 2.5);
        metrics.ProbeCompleted(7, "web \"front\"", "http", "eu-west-1 VPC", success: false, 3);
        metrics.ProbeCompleted(8, "db port", "port", "console", success: true, 0.004);
        // Alerts firing are read from the open alerts at scrape time (acknowledged ones are not firing).
        var board = console.Get<BlazorAwsConsole.Alerts.AlertBoard>();
        for (var id = 1; id <= 6; id++)
        {
            board.Set(new BlazorAwsConsole.Alerts.Alert
            {
                Id = id, RuleName = "r", SubjectKey = $"test:{id}", Subject = "s", Summary = "s",
                Severity = id > 4 ? BlazorAwsConsole.Alerts.AlertSeverity.Critical : BlazorAwsConsole.Alerts.AlertSeverity.Warning,
                Status = id == 4 ? BlazorAwsConsole.Alerts.AlertStatus.Acknowledged : BlazorAwsConsole.Alerts.AlertStatus.Firing,
            });
        }
        metrics.NotificationFailed("webhook");
        metrics.NotificationFailed("webhook");
        metrics.NotificationFailed("email");

        var text = await ScrapeAsync(console, console.Http);
        text.Value("console_probe_results_total", ("test_id", "7"), ("test", "web \"front\""), ("type", "http"), ("location", "console"), ("outcome", "success")).Should().Be(1);
        text.Value("console_probe_results_total", ("test_id", "7"), ("test", "web \"front\""), ("type", "http"), ("location", "console"), ("outcome", "failure")).Should().Be(1);
        text.Value("console_probe_results_total", ("test_id", "7"), ("test", "web \"front\""), ("type", "http"), ("location", "eu-west-1 VPC"), ("outcome", "failure"))
            .Should().Be(1, "each location's runs are their own series");
        text.Value("console_probe_duration_seconds_count", ("test_id", "7"), ("test", "web \"front\""), ("type", "http"), ("location", "console")).Should().Be(2);
        text.Value("console_probe_duration_seconds_sum", ("test_id", "7"), ("test", "web \"front\""), ("type", "http"), ("location", "console")).Should().BeApproximately(2.62, 1e-9);
        text.Value("console_probe_duration_seconds_bucket", ("test_id", "8"), ("test", "db port"), ("type", "port"), ("location", "console"), ("le", "0.005")).Should().Be(1);
        text.Value("console_alerts_firing", ("severity", "warning")).Should().Be(3);
        text.Value("console_alerts_firing", ("severity", "critical")).Should().Be(2, "the open alerts are read at scrape time");
        text.Value("console_notification_failures_total", ("channel_type", "webhook")).Should().Be(2);
        text.Value("console_notification_failures_total", ("channel_type", "email")).Should().Be(1);
        text.Types["console_probe_duration_seconds"].Should().Be("histogram");
        text.Help["console_probe_results_total"].Should().NotBeEmpty();

        var elsewhere = await ScrapeAsync(other, other.Http);
        elsewhere.Find("console_probe_results_total").Should().BeEmpty("each console has its own registry");
        elsewhere.Find("console_notification_failures_total").Should().BeEmpty();
    }

    private static async Task<PrometheusText> ScrapeAsync(ConsoleHost console, HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }
}
