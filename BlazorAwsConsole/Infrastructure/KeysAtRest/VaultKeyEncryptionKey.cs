using BlazorAwsConsole.Secrets;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

/// <summary>A key-encryption key kept in Vault's KV v2 (field "key", base64 of 32 bytes), through the console's own Vault client.</summary>
public static class VaultKeyEncryptionKey
{
    public const string Field = "key";

    /// <summary>The key at <paramref name="path"/>, made first when there is none and <paramref name="allowCreate"/>; null when missing otherwise.</summary>
    public static async Task<(KeyEncryptionKey? Key, bool Created)> ReadOrCreateAsync(VaultClient vault, string path, bool allowCreate, CancellationToken cancellationToken)
    {
        if (await ReadAsync(vault, path, cancellationToken) is { } existing) return (existing, false);
        if (!allowCreate) return (null, false);
        var key = KeyEncryptionKey.Generate();
        try
        {
            // Check-and-set 0: written only if the path is still new, so of two nodes starting at once one key wins.
            await vault.KvWriteAsync(path, new Dictionary<string, string> { [Field] = key.ToText() }, cas: 0, cancellationToken);
            return (key, true);
        }
        catch (VaultCasConflictException)
        {
            return (await ReadAsync(vault, path, cancellationToken), false);
        }
    }

    private static async Task<KeyEncryptionKey?> ReadAsync(VaultClient vault, string path, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await vault.KvReadAsync(path, version: null, cancellationToken);
            return KeyEncryptionKey.Parse(secret.Data.GetValueOrDefault(Field)) ?? throw new KeysAtRestRefused(
                $"The Vault secret {vault.Options.KvMount}/{path} has no field '{Field}' holding a 256-bit key (base64 of 32 bytes).");
        }
        catch (VaultNotFoundException)
        {
            return null;
        }
    }
}
