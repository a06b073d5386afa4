namespace BlazorAwsConsole.Sandbox;

public static class SandboxFeature
{
    public static WebApplicationBuilder AddSandbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section);
        builder.Services.AddSingleton<MotoServer>();
        builder.Services.AddSingleton<DemoFleetSeeder>();
        builder.Services.AddSingleton<SandboxLauncher>();
        // Registered here, before the fleet and probes features: they run after the migrations (the start-up lock
        // needs the database) and before the first poll and the tests load.
        builder.Services.AddHostedService(provider => provider.GetRequiredService<DemoFleetSeeder>());
        builder.Services.AddHostedService<DemoTestsSeeder>();
        return builder;
    }
}
