namespace BlazorAwsConsole.ProbeLocations;

/// <summary>
/// A token a probe agent presents for one location. Only a SHA-256 of it is stored (tokens are 256 random bits, so a
/// fast hash is enough); the token itself is shown once, when made. Rotating gives a new token and lets the old one
/// run until <see cref="ExpiresAt"/>, so agents can be moved over without a gap.
/// </summary>
public sealed class LocationToken
{
    public int Id { get; set; }
    public int LocationId { get; set; }
    public ProbeLocation? Location { get; set; }
    public string Name { get; set; } = "";
    public string Hash { get; set; } = "";

    /// <summary>The token's first characters, so a person can tell tokens apart.</summary>
    public string Prefix { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    /// <summary>Set when the token was rotated: it stays good until then.</summary>
    public DateTime? ExpiresAt { get; set; }

    public bool IsValidAt(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
