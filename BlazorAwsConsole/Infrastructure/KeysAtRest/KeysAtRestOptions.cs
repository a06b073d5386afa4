using System.ComponentModel.DataAnnotations;
using BlazorAwsConsole.Secrets;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

/// <summary>Where the key-encryption key comes from.</summary>
public enum KeyEncryptionKeySource
{
    /// <summary>DataProtection:KeyEncryptionKeyFile when set; else Vault when Vault:Address is set; else a file beside the database.</summary>
    Auto,
    /// <summary>DataProtection:KeyEncryptionKeyFile, or the file beside the database when that is empty.</summary>
    File,
    /// <summary>The KV v2 secret at DataProtection:VaultPath (Vault:Address required).</summary>
    Vault,
}

/// <summary>Settings section "DataProtection": the key-encryption key that encrypts the data-protection keys stored in the database.</summary>
public sealed class KeysAtRestOptions
{
    public const string Section = "DataProtection";

    /// <summary>The file name used when no file is configured: beside the SQLite file, or in the binaries' data folder.</summary>
    public const string DefaultFileName = "data-protection.kek";

    public KeyEncryptionKeySource KeyEncryptionKeySource { get; set; } = KeyEncryptionKeySource.Auto;

    /// <summary>A file holding the key (base64 of 32 bytes); made with mode 0600 when missing and the database holds no encrypted key yet.</summary>
    public string? KeyEncryptionKeyFile { get; set; }

    /// <summary>The KV v2 secret (under Vault:KvMount) holding the key; made on the first start when missing.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")]
    public string VaultPath { get; set; } = "blazor-aws-console/data-protection";
}

/// <summary>Vault as the source needs a Vault; said at start, not at the first sign-in.</summary>
public sealed class KeysAtRestOptionsValidator(IOptions<VaultOptions> vault) : IValidateOptions<KeysAtRestOptions>
{
    public ValidateOptionsResult Validate(string? name, KeysAtRestOptions options) =>
        options.KeyEncryptionKeySource == KeyEncryptionKeySource.Vault && !vault.Value.IsConfigured
            ? ValidateOptionsResult.Fail("DataProtection:KeyEncryptionKeySource is Vault but Vault:Address is empty.")
            : ValidateOptionsResult.Success;
}
