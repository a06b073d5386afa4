using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Secrets;

public enum VaultAuthMethod
{
    /// <summary>A token from Vault:Token or the VAULT_TOKEN environment variable.</summary>
    Token,
    /// <summary>AppRole login with Vault:RoleId and Vault:SecretId.</summary>
    AppRole,
}

/// <summary>Settings section "Vault". No Address means no Vault: allowed in Sandbox mode only when nothing needs it.</summary>
public sealed class VaultOptions
{
    public const string Section = "Vault";

    /// <summary>e.g. https://vault.example.com:8200; empty: Vault is not used.</summary>
    public string? Address { get; set; }

    public VaultAuthMethod AuthMethod { get; set; } = VaultAuthMethod.Token;

    /// <summary>The token for AuthMethod Token; VAULT_TOKEN is used when this is empty.</summary>
    public string? Token { get; set; }

    public string? RoleId { get; set; }
    public string? SecretId { get; set; }

    /// <summary>Where AppRole is mounted (auth/&lt;mount&gt;/login).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")]
    public string AppRoleMount { get; set; } = "approle";

    [Required, RegularExpression("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")]
    public string KvMount { get; set; } = "secret";

    [Required, RegularExpression("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")]
    public string AwsMount { get; set; } = "aws";

    /// <summary>The KV folder under which each credential set's key pair is kept.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")]
    public string KvPrefix { get; set; } = "blazor-aws-console/credentials";

    /// <summary>Optional Vault Enterprise namespace (X-Vault-Namespace).</summary>
    public string? Namespace { get; set; }

    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How long a key pair read from KV is used before KV is asked again (a new version is picked up within this).</summary>
    [Range(0, 3600)]
    public int KvRefreshSeconds { get; set; } = 60;

    /// <summary>Seconds between Vault status checks (health, token lookup and renewal).</summary>
    [Range(1, 3600)]
    public int StatusCheckSeconds { get; set; } = 15;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Address);

    /// <summary>The token to use for Token auth: the setting, else VAULT_TOKEN.</summary>
    public string? EffectiveToken => string.IsNullOrWhiteSpace(Token) ? Environment.GetEnvironmentVariable("VAULT_TOKEN") : Token;
}

/// <summary>Checks what data annotations cannot: the address is absolute, and the chosen auth method has what it needs.</summary>
public sealed class VaultOptionsValidator : IValidateOptions<VaultOptions>
{
    public ValidateOptionsResult Validate(string? name, VaultOptions options)
    {
        if (!options.IsConfigured) return ValidateOptionsResult.Success;
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            failures.Add($"Vault:Address '{options.Address}' is not an http(s) URL.");
        }
        if (options.AuthMethod == VaultAuthMethod.Token && string.IsNullOrWhiteSpace(options.EffectiveToken))
        {
            failures.Add("Vault:AuthMethod is Token but neither Vault:Token nor VAULT_TOKEN is set.");
        }
        if (options.AuthMethod == VaultAuthMethod.AppRole && (string.IsNullOrWhiteSpace(options.RoleId) || string.IsNullOrWhiteSpace(options.SecretId)))
        {
            failures.Add("Vault:AuthMethod is AppRole but Vault:RoleId or Vault:SecretId is missing.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Settings section "Secrets".</summary>
public sealed class SecretsOptions
{
    public const string Section = "Secrets";

    /// <summary>A credential older than this (since added or last rotated) is flagged on the settings page.</summary>
    [Range(1, 3650)]
    public int MaxCredentialAgeDays { get; set; } = 90;
}
