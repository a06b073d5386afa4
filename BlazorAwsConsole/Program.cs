using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Components;
using BlazorAwsConsole.Dashboard;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Infrastructure.Backup;
using BlazorAwsConsole.Infrastructure.KeysAtRest;
using BlazorAwsConsole.JumpServers;
using BlazorAwsConsole.Observability;
using BlazorAwsConsole.ProbeLocations;
using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.Sandbox;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.StatusPages;
using MudBlazor.Services;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Probes;
using Quartz;

namespace BlazorAwsConsole;

/// <summary>Composition only: each feature adds its services and maps its endpoints.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (CliUsage.AsksForHelp(args)) return await CliUsage.ShowAsync(Console.Out);
        switch (args)
        {
            case ["migrate", .. var rest]:
                return await AdminCli.MigrateAsync(Build(rest));
            case ["user", "add", var name, .. var rest] when !name.StartsWith('-'):
                return await AccessCli.AddUserAsync(name, rest);
            case ["apikey", "create", .. var rest]:
                return await AccessCli.CreateApiKeyAsync(rest);
            case ["backup", var file, .. var rest] when !file.StartsWith('-'):
                return await BackupCli.BackupAsync(file, rest);
            case ["restore", var file, .. var rest] when !file.StartsWith('-'):
                return await BackupCli.RestoreAsync(file, rest);
            case ["probe", .. var rest]:
                return await ProbeAgentCli.RunAsync(rest);
            case ["user" or "apikey" or "backup" or "restore", ..]:
                return await CliUsage.ShowAsync(Console.Error, $"Incomplete command: {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}");
        }
        if (CliUsage.UnknownVerb(args) is { } verb) return await CliUsage.ShowAsync(Console.Error, $"Unknown command '{verb}'.");

        await using var app = Build(args);
        if (await app.Services.GetRequiredService<SandboxLauncher>().PrepareAsync(app.Lifetime.ApplicationStopping) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem);
            return 1;
        }
        try
        {
            await app.RunAsync();
        }
        catch (KeysAtRestRefused refused)
        {
            // Already logged by the host; said once more alone, without a stack trace, as the last line an operator sees.
            await Console.Error.WriteLineAsync(refused.Message);
            return 1;
        }
        return 0;
    }

    /// <summary>The whole console, ready to start; tests build it the same way with their own settings.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            // appsettings.json lives at the repository root and is copied beside the binaries; reading
            // it from there makes `dotnet run`, a published build and the tests use the same file.
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.AddBackup();
        builder.AddInfrastructure();
        builder.AddTrustedProxies();
        builder.AddSandbox();
        builder.AddAccess();
        builder.AddFleet();
        builder.AddJumpServers();
        builder.AddProbes();
        builder.AddAlerts();
        builder.AddSecrets();
        builder.AddObservability();
        builder.AddAlertChannels();
        builder.AddDashboard();
        builder.AddCluster();
        builder.AddStatusPages();
        builder.AddProbeLocations();
        // The RAM store on SQLite; Quartz's clustered ADO store on PostgreSQL.
        builder.AddScheduler();
        // Stopped before Quartz's hosted service (hosted services stop in reverse order): no new trigger, running jobs cancelled.
        builder.Services.AddHostedService<BlazorAwsConsole.Infrastructure.Shutdown.SchedulerShutdown>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseTrustedProxies();
        app.UseInfrastructure();
        app.UseAccess();
        app.UseStatusPages();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapAccess();
        app.MapFleetApi();
        app.MapJumpServersApi();
        app.MapProbesApi();
        app.MapAlertsApi();
        app.MapSecretsApi();
        app.MapObservability();
        app.MapAlertChannelsApi();
        app.MapClusterApi();
        app.MapStatusPages();
        app.MapProbeLocations();
        // The console's own Content-Security-Policy (Access/SecurityHeaders) already says frame-ancestors 'none'.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null);
        app.AnnounceAddress();
        return app;
    }
}
