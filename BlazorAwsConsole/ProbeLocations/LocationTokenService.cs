using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.ProbeLocations;

/// <summary>The location a valid token is good for.</summary>
public sealed record LocationTokenMatch(int LocationId, string LocationName, int TokenId, string TokenName);

/// <summary>
/// Makes, rotates, revokes and checks the tokens probe agents present. A token is good for its one location only;
/// only its SHA-256 is stored, the token is shown once. Every change is in the access log.
/// </summary>
public sealed class LocationTokenService(IDbContextFactory<ConsoleDbContext> contexts, AuditLog audit, LiveFeed feed, TimeProvider time)
{
    public const string TokenPrefix = "bacp_";
    public const int DefaultOverlapMinutes = 60;
    public const int MaxOverlapMinutes = 7 * 24 * 60;
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    public Task<SettingsResult<NewLocationTokenDto>> CreateAsync(int locationId, LocationTokenRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "probe-location.token.create", $"{locationId} {request.Name}".TrimEnd(),
            CreateAsync(locationId, ProbeLocationValidator.TokenName(request.Name), caller.Name, cancellationToken));

    public Task<SettingsResult<NewLocationTokenDto>> RotateAsync(int locationId, int tokenId, RotateTokenRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "probe-location.token.rotate", $"{locationId} token {tokenId}", RotateAsync(locationId, tokenId, request, caller.Name, cancellationToken));

    public Task<SettingsResult<LocationTokenDto>> RevokeAsync(int locationId, int tokenId, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "probe-location.token.revoke", $"{locationId} token {tokenId}", RevokeAsync(locationId, tokenId, cancellationToken));

    /// <summary>The location <paramref name="token"/> is good for now, or null (unknown, revoked, or past its rotation overlap); notes its last use at most once a minute.</summary>
    public async Task<LocationTokenMatch?> ValidateAsync(string token, CancellationToken cancellationToken) =>
        (await CheckAsync(token, cancellationToken)).Match;

    /// <summary>
    /// As <see cref="ValidateAsync"/>, with why a token is refused ("unknown", "revoked", "expired"): the agent holding it
    /// is told, so an operator reading its log knows whether to get a new token or check the one given.
    /// </summary>
    public async Task<(LocationTokenMatch? Match, string? Refusal)> CheckAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return (null, "unknown");
        var hash = RandomTokens.HashOf(token);
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.LocationTokens.Include(t => t.Location).FirstOrDefaultAsync(t => t.Hash == hash, cancellationToken);
        if (record is null) return (null, "unknown");
        if (!record.IsValidAt(now)) return (null, record.RevokedAt is not null ? "revoked" : "expired");
        // A location that became the console's own (ConsoleLocationSeeder) takes no agents, whatever tokens it had.
        if (record.Location!.IsConsole) return (null, "for the console's own location, which takes no agents");
        if (record.LastUsedAt is null || now - record.LastUsedAt > LastUseResolution)
        {
            record.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }
        return (new LocationTokenMatch(record.LocationId, record.Location!.Name, record.Id, record.Name), null);
    }

    /// <summary>Those of <paramref name="tokenIds"/> still good now (not revoked, not past their rotation overlap): one query for all of a node's agents.</summary>
    public async Task<HashSet<int>> StillValidAsync(IReadOnlyCollection<int> tokenIds, CancellationToken cancellationToken)
    {
        if (tokenIds.Count == 0) return [];
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var valid = await db.LocationTokens.AsNoTracking()
            .Where(t => tokenIds.Contains(t.Id) && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now))
            .Select(t => t.Id).ToListAsync(cancellationToken);
        return [.. valid];
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task<SettingsResult<NewLocationTokenDto>> CreateAsync(int locationId, string? name, string createdBy, CancellationToken cancellationToken)
    {
        if (name is null) return SettingsResult<NewLocationTokenDto>.Invalid("name", "A name of 1 to 100 characters is required, e.g. the agent's host.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var location = await db.ProbeLocations.FirstOrDefaultAsync(l => l.Id == locationId, cancellationToken);
        if (location is null) return ProbeLocationService.NotFound<NewLocationTokenDto>(locationId);
        if (location.IsConsole)
            return SettingsResult<NewLocationTokenDto>.Fail(SettingsOutcome.Conflict, $"{location.Name} is served by the console's own nodes: agents need a location of their own.");
        var (token, record) = NewToken(locationId, name, createdBy);
        db.LocationTokens.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        feed.Publish(new ProbeLocationsChanged(locationId));
        return SettingsResult<NewLocationTokenDto>.Ok(new NewLocationTokenDto(record.Id, record.Name, record.Prefix, token, ProbeLocationDto.Utc(record.CreatedAt), null, null),
            $"Token {name} created: copy it now, it is not shown again.");
    }

    private async Task<SettingsResult<NewLocationTokenDto>> RotateAsync(int locationId, int tokenId, RotateTokenRequest request, string createdBy,
        CancellationToken cancellationToken)
    {
        var overlap = request.OverlapMinutes ?? DefaultOverlapMinutes;
        if (overlap is < 0 or > MaxOverlapMinutes)
            return SettingsResult<NewLocationTokenDto>.Invalid("overlapMinutes", $"Between 0 and {MaxOverlapMinutes} minutes (a week): how long the old token stays good.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var old = await db.LocationTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tokenId && t.LocationId == locationId, cancellationToken);
        if (old is null) return TokenNotFound<NewLocationTokenDto>(locationId, tokenId);
        var now = Now;
        var expiresAt = now.AddMinutes(overlap);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Compare-and-set: of two rotations at once (two Admins, two nodes) one wins; the other is told the token is already rotated.
        var claimed = await db.LocationTokens
            .Where(t => t.Id == tokenId && t.RevokedAt == null && t.ExpiresAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ExpiresAt, expiresAt), cancellationToken);
        if (claimed == 0)
            return SettingsResult<NewLocationTokenDto>.Fail(SettingsOutcome.Conflict, $"Token {old.Name} is {(old.RevokedAt is null ? "already rotated" : "revoked")}: create a new one instead.");
        var (token, record) = NewToken(locationId, old.Name, createdBy);
        db.LocationTokens.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feed.Publish(new ProbeLocationsChanged(locationId));
        return SettingsResult<NewLocationTokenDto>.Ok(
            new NewLocationTokenDto(record.Id, record.Name, record.Prefix, token, ProbeLocationDto.Utc(record.CreatedAt), old.Id, expiresAt),
            $"Token {old.Name} rotated: the old one stays good until {expiresAt:u}.");
    }

    private (string Token, LocationToken Record) NewToken(int locationId, string name, string createdBy)
    {
        var token = RandomTokens.New(TokenPrefix);
        return (token, new LocationToken
        {
            LocationId = locationId, Name = name, Hash = RandomTokens.HashOf(token), Prefix = token[..(TokenPrefix.Length + 6)], CreatedAt = Now, CreatedBy = createdBy,
        });
    }

    private async Task<SettingsResult<LocationTokenDto>> RevokeAsync(int locationId, int tokenId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.LocationTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.LocationId == locationId, cancellationToken);
        if (token is null) return TokenNotFound<LocationTokenDto>(locationId, tokenId);
        // Revoking twice keeps the first time.
        token.RevokedAt ??= Now;
        await db.SaveChangesAsync(cancellationToken);
        feed.Publish(new ProbeLocationsChanged(locationId));
        return SettingsResult<LocationTokenDto>.Ok(LocationTokenDto.From(token, Now), $"Token {token.Name} revoked.");
    }

    private static SettingsResult<T> TokenNotFound<T>(int locationId, int tokenId) =>
        SettingsResult<T>.Fail(SettingsOutcome.NotFound, $"Probe location {locationId} has no token {tokenId}.");
}
