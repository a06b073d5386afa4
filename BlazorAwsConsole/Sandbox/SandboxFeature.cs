namespace BlazorAwsConsole.Sandbox;

public static class SandboxFeature
{
    public static WebApplicationBuilder AddSandbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section);
        builder.Services.AddSingleton<MotoServer>();
        builder.Services.AddSingleton<DemoFleetSeeder>();
        builder.Services.AddSingleton<SandboxLauncher>();
        return builder;
    }
}
