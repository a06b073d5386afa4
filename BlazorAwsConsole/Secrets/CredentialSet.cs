namespace BlazorAwsConsole.Secrets;

public enum CredentialKind
{
    /// <summary>An access key pair kept in Vault KV v2 (one version per rotation).</summary>
    KeyPair,
    /// <summary>A role of Vault's AWS secrets engine that issues short-lived keys.</summary>
    VaultRole,
}

/// <summary>
/// Where the AWS credentials for some regions come from. Holds no secret: the secret key lives
/// only in Vault; the database keeps the name, the Vault path or role, the regions and the last
/// four characters of the key id, so people can tell keys apart.
/// </summary>
public sealed class CredentialSet
{
    /// <summary>Letters, digits, '-' and '_'; also the last segment of the KV path.</summary>
    public required string Name { get; set; }
    public CredentialKind Kind { get; set; }

    /// <summary>KeyPair: the KV v2 path (under the KV mount). VaultRole: the role name.</summary>
    public required string VaultPath { get; set; }

    /// <summary>VaultRole only: read aws/sts/&lt;role&gt; (STS keys with a session token) instead of aws/creds/&lt;role&gt;.</summary>
    public bool UseSts { get; set; }

    /// <summary>The region codes this set serves; a region is served by at most one set.</summary>
    public List<string> Regions { get; set; } = [];

    /// <summary>A role to assume with STS AssumeRole after reading the keys from Vault.</summary>
    public string? RoleArn { get; set; }

    /// <summary>KeyPair: the last four characters of the current access key id (never more).</summary>
    public string? AccessKeyIdLast4 { get; set; }

    /// <summary>KeyPair: the KV version that is current for the console.</summary>
    public int? KvVersion { get; set; }

    public DateTime CreatedAt { get; set; }
    /// <summary>When the key pair was last rotated (or, for a role, its root); null: never.</summary>
    public DateTime? RotatedAt { get; set; }

    /// <summary>The date age is counted from: the last rotation, else the creation.</summary>
    public DateTime KeyDate => RotatedAt ?? CreatedAt;
}
