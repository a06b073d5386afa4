using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Secrets;

/// <summary>
/// The one provider every AWS client of the console gets its credentials from (DESIGN.md). Per
/// credential set it reads Vault and caches: a KV key pair for <c>Vault:KvRefreshSeconds</c> (so a
/// new version written in Vault is used within that, without a restart), secrets-engine keys until
/// two thirds of their lease, then renews the lease (or reads new keys when it cannot be renewed),
/// and assumed-role sessions until five minutes before they expire. When Vault cannot answer, the
/// call fails with <see cref="CredentialsUnavailableException"/> naming Vault's reason; the cache
/// holds at most one entry per credential set.
/// </summary>
public sealed class VaultCredentialProvider(
    VaultClient vault,
    VaultStatus status,
    CredentialDirectory directory,
    IDbContextFactory<ConsoleDbContext> databases,
    IServiceProvider services,
    TimeProvider time,
    IOptions<VaultOptions> options,
    ILogger<VaultCredentialProvider> logger)
{
    private static readonly TimeSpan AssumedRoleMargin = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The credentials of a set, from the cache while they are fresh, otherwise from Vault.</summary>
    public async Task<ImmutableCredentials> GetAsync(string credentialSet, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(credentialSet, out var cached) && now < cached.RefreshAt) return cached.Credentials;

        var gate = _gates.GetOrAdd(credentialSet, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            now = time.GetUtcNow();
            if (_cache.TryGetValue(credentialSet, out cached) && now < cached.RefreshAt) return cached.Credentials;
            var set = directory.Find(credentialSet)
                ?? throw new CredentialsUnavailableException($"credential set '{credentialSet}' no longer exists");
            var fresh = await FetchAsync(set, cached, cancellationToken);
            _cache[credentialSet] = fresh;
            status.ReportSuccess();
            return fresh.Credentials;
        }
        catch (VaultException ex)
        {
            status.ReportFailure(ex);
            _cache.TryRemove(credentialSet, out _);
            logger.LogWarning("Credentials of {CredentialSet} unavailable: {Reason}", credentialSet, ex.Reason);
            throw new CredentialsUnavailableException(ex.Reason, ex);
        }
        catch (AmazonServiceException ex)
        {
            // AssumeRole refused: the Vault keys are fine, the role is not.
            throw new CredentialsUnavailableException($"assuming the role failed: {AwsErrors.Describe(ex)}", ex);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops what is cached for a set: the next call reads Vault (after a rotation, a change, a delete).</summary>
    public void Forget(string credentialSet) => _cache.TryRemove(credentialSet, out _);

    /// <summary>Drops the cache of a set that is gone and revokes its lease, if any, so its keys die now rather than at the lease's end.</summary>
    public async Task RetireAsync(string credentialSet, CancellationToken cancellationToken)
    {
        if (!_cache.TryRemove(credentialSet, out var cached) || cached.Lease is not { LeaseId.Length: > 0 } lease) return;
        try
        {
            await vault.RevokeLeaseAsync(lease.LeaseId, cancellationToken);
        }
        catch (VaultException ex)
        {
            logger.LogInformation("Lease of {CredentialSet} not revoked: {Reason}; it ends by itself", credentialSet, ex.Reason);
        }
    }

    /// <summary>The KV version the cache holds for a key pair (null: nothing cached), for the settings page.</summary>
    public int? CachedVersion(string credentialSet) => _cache.TryGetValue(credentialSet, out var cached) ? cached.KvVersion : null;

    private async Task<Cached> FetchAsync(CredentialSet set, Cached? previous, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Cached baseKeys;
        if (set.Kind == CredentialKind.KeyPair)
        {
            var secret = await vault.KvReadAsync(set.VaultPath, null, cancellationToken);
            var pair = KeyPairSecret.From(secret, set.VaultPath);
            baseKeys = new Cached(new ImmutableCredentials(pair.AccessKeyId, pair.SecretAccessKey, null),
                now.AddSeconds(options.Value.KvRefreshSeconds), secret.Version, null);
            if (previous?.KvVersion is { } old && old != secret.Version || set.KvVersion != secret.Version)
            {
                logger.LogInformation("Credential set {CredentialSet} now uses KV version {Version}", set.Name, secret.Version);
                await RecordVersionAsync(set.Name, secret.Version, pair.AccessKeyId, cancellationToken);
            }
        }
        else
        {
            baseKeys = await LeaseAsync(set, previous, now, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(set.RoleArn)) return baseKeys;
        var assumed = await AssumeRoleAsync(set, baseKeys.Credentials, cancellationToken);
        var refreshAt = assumed.Expiration - AssumedRoleMargin < baseKeys.RefreshAt ? assumed.Expiration - AssumedRoleMargin : baseKeys.RefreshAt;
        return baseKeys with { Credentials = assumed.Credentials, RefreshAt = refreshAt };
    }

    /// <summary>Renews a renewable lease past two thirds of its life; otherwise (or if renewal fails) reads new keys and revokes the old lease.</summary>
    private async Task<Cached> LeaseAsync(CredentialSet set, Cached? previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (previous?.Lease is { Renewable: true } lease && previous.LeaseExpiresAt > now)
        {
            try
            {
                var renewed = await vault.RenewLeaseAsync(lease.LeaseId, lease.LeaseDuration, cancellationToken);
                if (renewed.LeaseDuration > TimeSpan.Zero)
                {
                    logger.LogInformation("Lease of {CredentialSet} renewed for {Seconds} s", set.Name, (int)renewed.LeaseDuration.TotalSeconds);
                    return previous with { RefreshAt = now + renewed.LeaseDuration * 2 / 3, LeaseExpiresAt = now + renewed.LeaseDuration };
                }
            }
            catch (VaultException ex) when (ex is not (VaultUnreachableException or VaultSealedException))
            {
                logger.LogInformation("Lease of {CredentialSet} could not be renewed ({Reason}); reading new keys", set.Name, ex.Reason);
            }
        }
        var fresh = await vault.AwsCredentialsAsync(set.VaultPath, set.UseSts, cancellationToken);
        if (previous?.Lease is { LeaseId.Length: > 0 } old)
        {
            try { await vault.RevokeLeaseAsync(old.LeaseId, cancellationToken); }
            catch (VaultException ex) { logger.LogInformation("Old lease of {CredentialSet} not revoked: {Reason}", set.Name, ex.Reason); }
        }
        var duration = fresh.LeaseDuration > TimeSpan.Zero ? fresh.LeaseDuration : TimeSpan.FromHours(1);
        return new Cached(new ImmutableCredentials(fresh.AccessKey, fresh.SecretKey, fresh.SessionToken),
            now + duration * 2 / 3, null, fresh, now + duration);
    }

    private async Task<(ImmutableCredentials Credentials, DateTimeOffset Expiration)> AssumeRoleAsync(
        CredentialSet set, ImmutableCredentials keys, CancellationToken cancellationToken)
    {
        var region = set.Regions.FirstOrDefault() ?? "us-east-1";
        var basic = keys.UseToken
            ? (AWSCredentials)new SessionAWSCredentials(keys.AccessKey, keys.SecretKey, keys.Token)
            : new BasicAWSCredentials(keys.AccessKey, keys.SecretKey);
        using var sts = services.GetRequiredService<AwsClientFactory>().Sts(region, basic);
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = set.RoleArn,
            RoleSessionName = $"blazor-aws-console-{set.Name}",
            DurationSeconds = 3600,
        }, cancellationToken);
        var c = response.Credentials;
        var expiration = c.Expiration is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc).ToUniversalTime()) : time.GetUtcNow().AddHours(1);
        return (new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), expiration);
    }

    /// <summary>A new KV version written outside the console: the database learns its key id's last four characters.</summary>
    private async Task RecordVersionAsync(string name, int version, string accessKeyId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.CredentialSets.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (stored is null || stored.KvVersion == version) return;
        stored.KvVersion = version;
        stored.AccessKeyIdLast4 = KeyPairSecret.Last4(accessKeyId);
        await db.SaveChangesAsync(cancellationToken);
        directory.Load(await db.CredentialSets.AsNoTracking().ToListAsync(cancellationToken));
    }

    private sealed record Cached(ImmutableCredentials Credentials, DateTimeOffset RefreshAt, int? KvVersion, AwsLease? Lease, DateTimeOffset? LeaseExpiresAt = null);
}

/// <summary>How a key pair is laid out in KV: the field names the AWS CLI and Vault users expect.</summary>
public sealed record KeyPairSecret(string AccessKeyId, string SecretAccessKey)
{
    public const string AccessKeyField = "aws_access_key_id";
    public const string SecretKeyField = "aws_secret_access_key";

    public IReadOnlyDictionary<string, string> ToData() => new Dictionary<string, string>
    {
        [AccessKeyField] = AccessKeyId,
        [SecretKeyField] = SecretAccessKey,
    };

    public static KeyPairSecret From(KvSecret secret, string path) =>
        secret.Data.TryGetValue(AccessKeyField, out var id) && secret.Data.TryGetValue(SecretKeyField, out var key)
            ? new KeyPairSecret(id, key)
            : throw new VaultException($"The secret at {path} has no {AccessKeyField}/{SecretKeyField} fields");

    public static string Last4(string accessKeyId) => accessKeyId.Length <= 4 ? accessKeyId : accessKeyId[^4..];

    // A record would print the secret in ToString; this one never does.
    public override string ToString() => $"KeyPairSecret(…{Last4(AccessKeyId)})";
}
