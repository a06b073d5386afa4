using System.Net;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Secrets;
using Quartz;

namespace BlazorAwsConsole.Tests.Observability;

/// <summary>/healthz/ready asks each dependency, names the one that fails (503), and recovers when it returns.</summary>
public sealed class ReadinessTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    // Every probe asks the dependencies afresh; moto shares two cores with other builds, so give it time.
    private const string Fast = "Observability:ReadinessCacheSeconds=0";
    private const string Patient = "Observability:DependencyTimeoutSeconds=20";
    private const string PatientAws = "Aws:TimeoutSeconds=20";

    [Fact]
    public async Task Ready_when_every_dependency_answers_and_Vault_not_configured_is_a_note_not_a_failure()
    {
        await WarmUpAsync();
        await using var console = await ConsoleHost.StartAsync(moto, Fast, Patient, PatientAws);

        var (status, body) = await ReadyAsync(console);

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("Healthy");
        var checks = body.GetProperty("checks");
        checks.EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo(["database", "vault", "aws", "scheduler"]);
        checks.GetProperty("vault").GetProperty("description").GetString().Should().Contain("not configured");
        foreach (var region in Regions)
            checks.GetProperty("aws").GetProperty("data").GetProperty(region).GetString().Should().StartWith("ok");
        checks.GetProperty("scheduler").GetProperty("data").GetProperty("status").GetString().Should().Be("Running");
        checks.GetProperty("database").GetProperty("durationMs").GetDouble().Should().BeGreaterThanOrEqualTo(0);

        // Liveness stays cheap: it asks no dependency beyond the database.
        var live = JsonDocument.Parse(await console.Anonymous.GetStringAsync("/healthz")).RootElement;
        live.GetProperty("checks").EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo(["database", "aws-regions"]);
    }

    [Fact]
    public async Task A_stopped_Vault_makes_the_console_unready_until_it_returns()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        await WarmUpAsync();
        await using var console = await VaultConsole.StartAsync(moto, vault, Fast, Patient, PatientAws);
        await ExpectReadyAsync(console);

        vault.Unreachable = true;
        var (status, body) = await ReadyAsync(console);
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("checks").GetProperty("vault").GetProperty("status").GetString().Should().Be("Unhealthy");
        body.GetProperty("checks").GetProperty("vault").GetProperty("description").GetString().Should().Contain("unreachable");

        vault.Unreachable = false;
        await WaitForAsync(console, HttpStatusCode.OK, "Vault answers again");
        vault.Sealed = true;
        (status, body) = await ReadyAsync(console);
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("checks").GetProperty("vault").GetProperty("description").GetString().Should().Contain("sealed");
        vault.Sealed = false;
        await WaitForAsync(console, HttpStatusCode.OK, "Vault is unsealed");
    }

    [Fact]
    public async Task A_region_whose_endpoint_is_dead_makes_the_console_unready_and_it_recovers_when_the_endpoint_returns()
    {
        await WarmUpAsync();
        await using var console = await ConsoleHost.StartAsync(moto, Fast, Patient, PatientAws);
        await ExpectReadyAsync(console);

        await console.SetRegionEndpointAsync("eu-west-1", ConsoleHost.DeadEndpoint());
        var (status, body) = await ReadyAsync(console);
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        var aws = body.GetProperty("checks").GetProperty("aws");
        aws.GetProperty("status").GetString().Should().Be("Unhealthy");
        aws.GetProperty("description").GetString().Should().Contain("eu-west-1").And.NotContain("us-east-1");
        aws.GetProperty("data").GetProperty("us-east-1").GetString().Should().StartWith("ok");
        body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Healthy");

        await console.SetRegionEndpointAsync("eu-west-1", null);
        await ExpectReadyAsync(console, "the region answers again, without waiting for a poll");
    }

    [Fact]
    public async Task Answers_are_reused_for_the_cache_period_so_probes_do_not_hammer_AWS()
    {
        await WarmUpAsync();
        await using var console = await ConsoleHost.StartAsync(moto, "Observability:ReadinessCacheSeconds=300", Patient, PatientAws);
        await ExpectReadyAsync(console);

        await console.SetRegionEndpointAsync("eu-west-1", ConsoleHost.DeadEndpoint());

        var (status, body) = await ReadyAsync(console);
        status.Should().Be(HttpStatusCode.OK, "the answer of the previous probe is reused within the cache period");
        body.GetProperty("checks").GetProperty("aws").GetProperty("data").GetProperty("eu-west-1").GetString().Should().StartWith("ok");
    }

    [Fact]
    public async Task A_scheduler_in_standby_makes_the_console_unready()
    {
        await WarmUpAsync();
        await using var console = await ConsoleHost.StartAsync(moto, Fast, Patient, PatientAws);
        var scheduler = await console.Get<ISchedulerFactory>().GetScheduler();
        await ExpectReadyAsync(console);

        await scheduler.Standby();
        var (status, body) = await ReadyAsync(console);
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString().Should().Be("Unhealthy");
        body.GetProperty("checks").GetProperty("aws").GetProperty("status").GetString().Should().Be("Healthy");

        await scheduler.Start();
        await ExpectReadyAsync(console);
    }

    /// <summary>
    /// A fresh moto builds each region's EC2 state on its first call, which takes seconds per region on a
    /// busy machine: do it here, outside the check's timeout, so the tests see moto as a warm AWS.
    /// </summary>
    private Task WarmUpAsync() => Task.WhenAll(Regions.Select(region =>
        moto.Ec2(region).DescribeAvailabilityZonesAsync(new Amazon.EC2.Model.DescribeAvailabilityZonesRequest())));

    private static readonly string[] Regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(ConsoleHost console)
    {
        var response = await console.Anonymous.GetAsync("/healthz/ready");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task ExpectReadyAsync(ConsoleHost console, string because = "every dependency answers")
    {
        var (status, body) = await ReadyAsync(console);
        status.Should().Be(HttpStatusCode.OK, $"{because}: {body}");
    }

    private static Task WaitForAsync(ConsoleHost console, HttpStatusCode expected, string because) =>
        VaultConsole.WaitUntilAsync(async () => (await ReadyAsync(console)).Status == expected, Deadline, because);
}
