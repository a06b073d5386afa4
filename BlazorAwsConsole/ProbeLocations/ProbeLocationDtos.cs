using BlazorAwsConsole.ProbeLocations.Agents;

namespace BlazorAwsConsole.ProbeLocations;

/// <summary>A location as the API and pages show it (never a token's hash), with its connected agents.</summary>
public sealed record ProbeLocationDto(int Id, string Name, string? Region, string? Description, bool IsConsole,
    DateTime CreatedAt, string CreatedBy, IReadOnlyList<LocationTokenDto> Tokens, IReadOnlyList<ProbeAgentDto> Agents)
{
    public static ProbeLocationDto From(ProbeLocation location, DateTime now, IEnumerable<ProbeAgentDto>? agents = null) => new(location.Id, location.Name,
        location.Region, location.Description, location.IsConsole, Utc(location.CreatedAt), location.CreatedBy,
        location.Tokens.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Select(t => LocationTokenDto.From(t, now)).ToList(),
        agents?.ToList() ?? []);

    // SQLite hands DateTime back without a kind; every stored time is UTC.
    internal static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);
    internal static DateTime? Utc(DateTime? at) => at is { } value ? Utc(value) : null;
}

/// <summary>A token's record: "active", "expiring" (rotated, still good until expiresAt), "expired" or "revoked".</summary>
public sealed record LocationTokenDto(int Id, string Name, string Prefix, string Status, DateTime CreatedAt, string CreatedBy,
    DateTime? LastUsedAt, DateTime? ExpiresAt, DateTime? RevokedAt)
{
    public static LocationTokenDto From(LocationToken token, DateTime now) => new(token.Id, token.Name, token.Prefix, StatusOf(token, now),
        ProbeLocationDto.Utc(token.CreatedAt), token.CreatedBy, ProbeLocationDto.Utc(token.LastUsedAt), ProbeLocationDto.Utc(token.ExpiresAt),
        ProbeLocationDto.Utc(token.RevokedAt));

    private static string StatusOf(LocationToken token, DateTime now) =>
        token.RevokedAt is not null ? "revoked" : token.ExpiresAt is null ? "active" : token.ExpiresAt > now ? "expiring" : "expired";
}

/// <summary>A new token: <see cref="Token"/> is in this answer only, and never stored.</summary>
public sealed record NewLocationTokenDto(int Id, string Name, string Prefix, string Token, DateTime CreatedAt, int? ReplacesTokenId, DateTime? ReplacedTokenExpiresAt);

/// <summary>POST/PUT body of a location. On PUT, a field left out keeps its value.</summary>
public sealed record ProbeLocationRequest(string? Name, string? Region, string? Description);

public sealed record LocationTokenRequest(string? Name);

/// <summary>How long the rotated token stays good beside the new one (minutes; default 60, at most a week).</summary>
public sealed record RotateTokenRequest(int? OverlapMinutes);
