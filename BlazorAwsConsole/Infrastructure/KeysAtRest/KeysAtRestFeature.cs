using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

public static class KeysAtRestFeature
{
    /// <summary>
    /// Data protection with its keys in the database, so a cookie or antiforgery token from one node is valid on every
    /// node (one application name, so nodes installed in different folders still share them), encrypted at rest with
    /// a key-encryption key that is not in the database. Call after the migrator is registered.
    /// </summary>
    public static IServiceCollection AddKeysAtRest(this IServiceCollection services)
    {
        services.AddOptions<KeysAtRestOptions>().BindConfiguration(KeysAtRestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeysAtRestOptions>, KeysAtRestOptionsValidator>();
        services.AddSingleton<KeyEncryptionKeys>();
        // Hosted services start in registration order: after the migrations, before data protection's own service
        // (registered by AddDataProtection below) loads the key ring, which needs the key-encryption key.
        services.AddHostedService(provider => provider.GetRequiredService<KeyEncryptionKeys>());
        services.AddDataProtection().SetApplicationName("BlazorAwsConsole").PersistKeysToDbContext<ConsoleDbContext>();
        services.AddOptions<KeyManagementOptions>().Configure<KeyEncryptionKeys>((keys, kek) => keys.XmlEncryptor = new KeyEncryptionKeyXmlEncryptor(kek));
        return services;
    }
}
