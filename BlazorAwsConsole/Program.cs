using BlazorAwsConsole.Components;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Sandbox;
using BlazorAwsConsole.Secrets;
using MudBlazor.Services;
using Quartz;

namespace BlazorAwsConsole;

/// <summary>Composition only: each feature adds its services and maps its endpoints.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["migrate", .. var rest])
        {
            return await AdminCli.MigrateAsync(Build(rest));
        }

        await using var app = Build(args);
        if (await app.Services.GetRequiredService<SandboxLauncher>().PrepareAsync(app.Lifetime.ApplicationStopping) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem);
            return 1;
        }
        await app.RunAsync();
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

        builder.AddInfrastructure();
        builder.AddSandbox();
        builder.AddFleet();
        builder.AddSecrets();
        // A unique scheduler name lets several consoles share one process (the tests do).
        builder.Services.AddQuartz(quartz => quartz.ConfigureScheduler(scheduler =>
            scheduler.InstanceName = builder.Configuration["Quartz:SchedulerName"] ?? "BlazorAwsConsole"));
        builder.Services.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseInfrastructure();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapFleetApi();
        app.MapSecretsApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.AnnounceAddress();
        return app;
    }
}
