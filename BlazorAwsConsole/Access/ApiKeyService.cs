using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Access;

/// <summary>Makes, checks and revokes API keys.</summary>
public sealed class ApiKeyService(IDbContextFactory<ConsoleDbContext> contexts, TimeProvider time)
{
    private const string KeyPrefix = "bac_";
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <returns>The key (shown once, never stored) and its record.</returns>
    public async Task<(string Key, ApiKey Record)> CreateAsync(string name, string role, string createdBy, CancellationToken cancellationToken)
    {
        var key = RandomTokens.New(KeyPrefix);
        var record = new ApiKey
        {
            Name = name,
            Role = ConsoleRoles.Parse(role) ?? throw new ArgumentException($"Unknown role {role}", nameof(role)),
            Hash = RandomTokens.HashOf(key),
            Prefix = key[..(KeyPrefix.Length + 6)],
            CreatedAt = time.GetUtcNow().UtcDateTime,
            CreatedBy = createdBy,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return (key, record);
    }

    /// <summary>The active key with this value, or null; notes its last use (at most once a minute, to spare the database).</summary>
    public async Task<ApiKey?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal)) return null;
        var hash = RandomTokens.HashOf(key);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, cancellationToken);
        if (record is null) return null;
        var now = time.GetUtcNow().UtcDateTime;
        if (record.LastUsedAt is null || now - record.LastUsedAt > LastUseResolution)
        {
            record.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }
        return record;
    }

    public async Task<List<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <returns>False when no such active key exists.</returns>
    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, cancellationToken);
        if (record is null) return false;
        record.RevokedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
