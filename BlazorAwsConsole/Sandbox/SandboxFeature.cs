namespace BlazorAwsConsole.Sandbox;

public static class SandboxFeature
{
    public static WebApplicationBuilder AddSandbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section);
        builder.Services.AddSingleton<MotoServer>();
        builder.Services.AddSingleton<DemoFleetSeeder>();
        builder.Services.AddSingleton<SandboxLauncher>();
        // Registered here, before the probes feature, so it runs after the migrations and before the tests load.
        builder.Services.AddHostedService<DemoTestsSeeder>();
        return builder;
    }
}
