using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Secrets;

public static class SecretsFeature
{
    public static WebApplicationBuilder AddSecrets(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<VaultOptions>().BindConfiguration(VaultOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<VaultOptions>, VaultOptionsValidator>();
        services.AddOptions<SecretsOptions>().BindConfiguration(SecretsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VaultClient>(provider => new VaultClient(
            provider.GetRequiredService<IOptions<VaultOptions>>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<VaultClient>>()));
        services.AddSingleton<VaultStatus>();
        services.AddSingleton<CredentialDirectory>();
        services.AddSingleton<VaultCredentialProvider>();
        services.AddSingleton<IRegionCredentials, VaultRegionCredentials>();
        services.AddSingleton<CredentialService>();
        services.AddSingleton<RegionSettingsService>();
        services.AddSingleton<VaultMonitor>();
        services.AddHostedService<SecretsStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<VaultMonitor>());
        return builder;
    }
}

/// <summary>Loads the credential sets into the directory before the first poll can ask for a region's credentials.</summary>
public sealed class SecretsStartup(CredentialService credentials) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => credentials.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
