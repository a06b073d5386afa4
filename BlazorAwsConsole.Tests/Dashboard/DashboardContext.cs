using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Dashboard;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace BlazorAwsConsole.Tests.Dashboard;

/// <summary>
/// The component context plus the real services the dashboard reads: the probe catalog and status
/// board, the synthetic test service (not started: no test here runs a probe), credentials and probe locations
/// over the same SQLite file, the alert board and the dashboard's own services.
/// </summary>
public abstract class DashboardContext : ComponentContext
{
    protected DashboardContext()
    {
        Services.AddOptions<ProbeOptions>();
        Services.AddSingleton(Options.Create(new VaultOptions()));
        Services.AddSingleton(Options.Create(new SecretsOptions()));
        Services.AddProbeRunners();
        Services.AddSsmProbes();
        Services.AddQuartz();
        Services.AddSingleton<ProbeCatalog>();
        Services.AddSingleton<ProbeStatusBoard>();
        Services.AddSingleton<BlazorAwsConsole.Probes.Locations.TestViews>();
        Services.AddSingleton<ProbeQueries>();
        Services.AddSingleton<SyntheticTestValidator>();
        Services.AddOptions<BlazorAwsConsole.Cluster.ClusterOptions>();
        Services.AddSingleton<BlazorAwsConsole.Cluster.ClusterMembership>();
        Services.AddSingleton<ProbeScheduler>();
        Services.AddSingleton<ProbeResultWriter>();
        Services.AddSingleton<ProbeEngine>();
        Services.AddSingleton<SyntheticTestService>();
        Services.AddSingleton(provider => new VaultClient(provider.GetRequiredService<IOptions<VaultOptions>>(),
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<VaultClient>>()));
        Services.AddSingleton<VaultStatus>();
        Services.AddSingleton<CredentialDirectory>();
        Services.AddSingleton<VaultCredentialProvider>();
        Services.AddSingleton<CredentialService>();
        Services.AddSingleton<AlertBoard>();
        Services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Services.AddAlertChannelServices();
        Services.AddSingleton<ProbeOverview>();
        Services.AddSingleton<RecentChanges>();
        // The agent registry leaves a stopping node's agent rows to go stale (it asks the host's lifetime).
        Services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();
        Services.AddSingleton<BlazorAwsConsole.ProbeLocations.Agents.AgentRegistry>();
        Services.AddSingleton<BlazorAwsConsole.ProbeLocations.LocationCoverage>();
        // The test dialog lists the probe locations a test may run from.
        Services.AddSingleton<BlazorAwsConsole.ProbeLocations.ProbeLocationService>();
        Services.AddSingleton<HealthWarnings>();
        Services.AddOptions<WallOptions>();
        Services.AddSingleton<StoppedInstancePolicy>();
    }

    protected ProbeCatalog Catalog => Services.GetRequiredService<ProbeCatalog>();
    protected ProbeStatusBoard Board => Services.GetRequiredService<ProbeStatusBoard>();
    protected AlertBoard Alerts => Services.GetRequiredService<AlertBoard>();

    /// <summary>Signs the page's user in with one role, and only that role's policies.</summary>
    protected void SignInAs(string role)
    {
        Authorization.SetAuthorized($"{role.ToLowerInvariant()}-user");
        Authorization.SetRoles(role);
        Authorization.SetPolicies(Policies.Roles.Where(p => p.Value.Contains(role)).Select(p => p.Key).ToArray());
    }

    protected static SyntheticTest Test(int id, string name, ProbeType type) => new()
    {
        Id = id,
        Name = name,
        Type = type,
        Target = "127.0.0.1",
        Port = type == ProbeType.Port ? 80 : null,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    private long _resultId;

    /// <summary>A stored-looking result, as the writer hands it to the board.</summary>
    protected ProbeResult Result(int testId, ProbeType type, bool success, double? ms, DateTime? at = null) => new()
    {
        Id = ++_resultId,
        TestId = testId,
        Type = type,
        Success = success,
        Reason = success ? "connected" : "connection refused",
        // Later results are newer (as the writer sees them), all within the last 20 minutes.
        StartedAt = at ?? DateTime.UtcNow.AddSeconds(-1200 + _resultId),
        DurationMs = ms ?? 1000,
        ResponseTimeMs = ms,
        Source = ProbeResult.ConsoleSource,
    };

    /// <summary>Writes results to the database (for the trend) and to the board, as the writer does.</summary>
    protected async Task StoreAsync(params ProbeResult[] results)
    {
        await using var db = await DatabaseAsync();
        foreach (var result in results) result.Id = 0;
        db.ProbeResults.AddRange(results);
        await db.SaveChangesAsync();
        Board.Record(results);
    }

    protected static Alert Alert(long id, AlertSeverity severity, string subject, AlertStatus status = AlertStatus.Firing) => new()
    {
        Id = id,
        RuleId = (int)id,
        RuleName = $"rule {id}",
        Severity = severity,
        SubjectKey = $"test:{id}",
        Subject = subject,
        Link = $"/synthetic/{id}",
        Summary = "failed 3 times in a row",
        Status = status,
        FiredAt = DateTime.UtcNow,
        LastSeenAt = DateTime.UtcNow,
    };
}
