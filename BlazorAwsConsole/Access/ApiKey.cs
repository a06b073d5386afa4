namespace BlazorAwsConsole.Access;

/// <summary>A REST API key. Only a hash of the key is stored; the key itself is shown once, when made.</summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    /// <summary>SHA-256 of the key, hex. Keys are 256 random bits, so a fast hash is enough (no password stretching needed).</summary>
    public string Hash { get; set; } = "";
    /// <summary>The key's first characters, so a person can tell keys apart.</summary>
    public string Prefix { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}
