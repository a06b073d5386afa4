using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Sandbox;

/// <summary>
/// In Sandbox mode, gives an empty console something to watch besides the demo fleet: a test of
/// each type against the local moto server and loopback, and two alert rules (a demo test failing,
/// a prod instance stopped — the demo fleet has some, so the dashboard shows alerts at once).
/// Runs after the migrations and before the probes load, once: only while there are no tests and no rules, checked
/// under the start-up lock so nodes starting together do not each add a set.
/// </summary>
public sealed class DemoTestsSeeder(IDbContextFactory<ConsoleDbContext> contexts, StartupLock startupLock, IOptions<AwsOptions> aws,
    IOptions<SandboxOptions> sandbox, TimeProvider time, ILogger<DemoTestsSeeder> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        aws.Value.Mode != AwsMode.Sandbox || !sandbox.Value.SeedDemoFleet ? Task.CompletedTask : startupLock.RunAsync(SeedAsync, cancellationToken);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.SyntheticTests.AnyAsync(cancellationToken) || await db.AlertRules.AnyAsync(cancellationToken)) return;

        var now = time.GetUtcNow().UtcDateTime;
        var moto = new Uri(aws.Value.ServiceUrl);
        SyntheticTest Test(string name, ProbeType type, string target, int frequency) =>
            new() { Name = name, Type = type, Target = target, FrequencySeconds = frequency, TimeoutSeconds = 5, CreatedAt = now, UpdatedAt = now, CreatedBy = "sandbox", Tags = new() { ["demo"] = "true" } };
        db.SyntheticTests.AddRange(
            Test("moto API answers", ProbeType.Http, new Uri(moto, "/moto-api/").ToString(), 30),
            Port(Test("moto port open", ProbeType.Port, moto.Host, 30), moto.Port),
            Test("loopback ping", ProbeType.Ping, "127.0.0.1", 30),
            Test("loopback route", ProbeType.Traceroute, "127.0.0.1", 60));
        db.AlertRules.AddRange(
            new AlertRule { Name = "Demo test failing", Condition = AlertCondition.TestFailures, ConsecutiveFailures = 3, Tag = "demo=true", Severity = AlertSeverity.Warning, CreatedAt = now, UpdatedAt = now, CreatedBy = "sandbox" },
            new AlertRule { Name = "Prod instance stopped", Condition = AlertCondition.InstanceState, State = "stopped", Tag = "env=prod", Severity = AlertSeverity.Critical, CreatedAt = now, UpdatedAt = now, CreatedBy = "sandbox" });
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Sandbox: seeded 4 demo synthetic tests and 2 alert rules");
    }

    private static SyntheticTest Port(SyntheticTest test, int port)
    {
        test.Port = port;
        return test;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
