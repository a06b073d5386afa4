using BlazorAwsConsole.ProbeLocations.AgentLaunch;
using BlazorAwsConsole.ProbeLocations.Agents;

namespace BlazorAwsConsole.ProbeLocations;

public static class ProbeLocationsFeature
{
    public static WebApplicationBuilder AddProbeLocations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProbeLocationService>();
        builder.Services.AddSingleton<LocationTokenService>();
        builder.Services.AddSingleton<LocationCoverage>();
        builder.Services.AddSingleton<AgentLauncher>();
        builder.Services.AddHostedService<ConsoleLocationSeeder>();
        // A batch of results with their details is bigger than SignalR's 32 KB default message.
        builder.Services.AddSignalR().AddHubOptions<AgentHub>(hub => hub.MaximumReceiveMessageSize = AgentProtocol.MaxMessageBytes);
        builder.Services.AddSingleton<AgentRegistry>();
        builder.Services.AddSingleton<AgentHeartbeat>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AgentHeartbeat>());
        builder.Services.AddSingleton<AgentShares>();
        builder.Services.AddSingleton<AgentResultIntake>();
        builder.Services.AddHostedService<AgentShareSync>();
        return builder;
    }

    public static WebApplication MapProbeLocations(this WebApplication app)
    {
        app.MapProbeLocationsApi();
        // Middleware added here still runs before endpoints (WebApplication ends the pipeline with them), after sign-in:
        // agents are not users, so their hub takes no cookie or API key, only the gate's location token.
        app.UseWhen(context => context.Request.Path.StartsWithSegments(AgentProtocol.HubPath), gate => gate.UseMiddleware<AgentGate>());
        app.MapHub<AgentHub>(AgentProtocol.HubPath).AllowAnonymous();
        return app;
    }
}
