namespace BlazorAwsConsole.ProbeLocations;

public static class ProbeLocationsFeature
{
    public static WebApplicationBuilder AddProbeLocations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProbeLocationService>();
        builder.Services.AddSingleton<LocationTokenService>();
        builder.Services.AddHostedService<ConsoleLocationSeeder>();
        return builder;
    }

    public static WebApplication MapProbeLocations(this WebApplication app)
    {
        app.MapProbeLocationsApi();
        return app;
    }
}
