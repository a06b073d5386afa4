using BlazorAwsConsole.Access;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Secrets;

/// <summary>Published after a credential set was added, rotated or deleted.</summary>
public sealed record CredentialsChanged(string Name);

/// <summary>
/// Adds, tests, rotates and deletes credential sets. The secret key goes from the request straight
/// into Vault KV; the database gets the name, path, regions and the key id's last four characters.
/// IAM CreateAccessKey/DeleteAccessKey are not used: AWSSDK.IdentityManagement is not served to us,
/// so a rotation takes a new pair an admin made (README).
/// </summary>
public sealed partial class CredentialService(
    IDbContextFactory<ConsoleDbContext> databases,
    VaultClient vault,
    VaultStatus vaultStatus,
    VaultCredentialProvider provider,
    CredentialDirectory directory,
    AwsClientFactory aws,
    LiveFeed feed,
    AuditLog audit,
    TimeProvider time,
    IOptions<VaultOptions> vaultOptions,
    IOptions<SecretsOptions> secretsOptions,
    ILogger<CredentialService> logger)
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Z0-9]{16,128}$")]
    private static partial Regex AccessKeyIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex RolePattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArnPattern();

    public async Task<IReadOnlyList<CredentialSetDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var sets = await db.CredentialSets.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return sets.Select(s => CredentialSetDto.From(s, now, secretsOptions.Value.MaxCredentialAgeDays)).ToList();
    }

    // Every change is written to the access log with who asked (never the secret itself).
    public Task<SettingsResult<CredentialSetDto>> AddAsync(AddCredentialRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "credentials.add", request.Name ?? "", AddAsync(request, cancellationToken));

    public Task<SettingsResult<CallerIdentityDto>> TestAsync(string name, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "credentials.test", name, TestAsync(name, cancellationToken));

    public Task<SettingsResult<RotationDto>> RotateAsync(string name, RotateCredentialRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "credentials.rotate", name, RotateAsync(name, request, cancellationToken));

    public Task<SettingsResult<string>> DeleteAsync(string name, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "credentials.delete", name, DeleteAsync(name, cancellationToken));

    private async Task<SettingsResult<CredentialSetDto>> AddAsync(AddCredentialRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (!NamePattern().IsMatch(name)) errors["name"] = ["Name: 1–64 letters, digits, '-' or '_'."];
        else if (await db.CredentialSets.AnyAsync(s => s.Name == name, cancellationToken)) errors["name"] = [$"A credential set named '{name}' exists."];

        if (!Enum.TryParse<CredentialKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(request.Kind, out _))
        {
            errors["kind"] = ["Kind must be KeyPair or VaultRole."];
        }
        else if (kind == CredentialKind.KeyPair)
        {
            ValidatePair(request.AccessKeyId, request.SecretAccessKey, errors);
        }
        else if (!RolePattern().IsMatch(request.VaultRole ?? ""))
        {
            errors["vaultRole"] = ["The Vault role name: 1–128 letters, digits, '.', '-' or '_'."];
        }
        var regions = await ValidateRegionsAsync(db, name, request.Regions, errors, cancellationToken);
        if (!string.IsNullOrWhiteSpace(request.RoleArn) && !RoleArnPattern().IsMatch(request.RoleArn.Trim()))
        {
            errors["roleArn"] = ["Role ARN must look like arn:aws:iam::123456789012:role/Name."];
        }
        if (errors.Count > 0) return SettingsResult<CredentialSetDto>.Invalid(errors);

        var now = time.GetUtcNow().UtcDateTime;
        var set = new CredentialSet
        {
            Name = name,
            Kind = kind,
            VaultPath = kind == CredentialKind.KeyPair ? $"{vaultOptions.Value.KvPrefix}/{name}" : request.VaultRole!.Trim(),
            UseSts = kind == CredentialKind.VaultRole && request.UseSts,
            Regions = regions,
            RoleArn = string.IsNullOrWhiteSpace(request.RoleArn) ? null : request.RoleArn.Trim(),
            CreatedAt = now,
        };
        try
        {
            if (kind == CredentialKind.KeyPair)
            {
                var pair = new KeyPairSecret(request.AccessKeyId!.Trim(), request.SecretAccessKey!);
                // cas 0: only if nothing is at the path, so an existing secret is never overwritten by an add.
                set.KvVersion = await vault.KvWriteAsync(set.VaultPath, pair.ToData(), cas: 0, cancellationToken);
                set.AccessKeyIdLast4 = KeyPairSecret.Last4(pair.AccessKeyId);
            }
            else
            {
                // Prove the role exists and Vault lets us read it; the lease is not kept.
                var lease = await vault.AwsCredentialsAsync(set.VaultPath, set.UseSts, cancellationToken);
                if (lease.LeaseId.Length > 0) await vault.RevokeLeaseAsync(lease.LeaseId, cancellationToken);
            }
            vaultStatus.ReportSuccess();
        }
        catch (VaultCasConflictException)
        {
            return SettingsResult<CredentialSetDto>.Fail(SettingsOutcome.Conflict,
                $"Vault already holds a secret at {vaultOptions.Value.KvMount}/{set.VaultPath}; delete it there or choose another name.");
        }
        catch (VaultException ex)
        {
            vaultStatus.ReportFailure(ex);
            return SettingsResult<CredentialSetDto>.From(ex);
        }

        db.CredentialSets.Add(set);
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(db, set.Name, cancellationToken);
        logger.LogInformation("Credential set {CredentialSet} ({Kind}) added for {Regions}", set.Name, set.Kind, string.Join(",", set.Regions));
        return SettingsResult<CredentialSetDto>.Ok(CredentialSetDto.From(set, now, secretsOptions.Value.MaxCredentialAgeDays), $"Credential set {set.Name} added.");
    }

    /// <summary>STS GetCallerIdentity through the set, exactly as the fleet would call AWS (Vault, then any role to assume).</summary>
    private async Task<SettingsResult<CallerIdentityDto>> TestAsync(string name, CancellationToken cancellationToken)
    {
        var set = directory.Find(name);
        if (set is null) return SettingsResult<CallerIdentityDto>.Fail(SettingsOutcome.NotFound, $"No credential set named '{name}'.");
        // A key pair is re-read so the test says what Vault holds now; a role's cached lease is kept
        // (every fresh aws/creds read makes a new IAM user in AWS).
        if (set.Kind == CredentialKind.KeyPair) provider.Forget(name);
        var credentials = new VaultAwsCredentials(name, provider);
        return await CallerIdentityAsync(set.Regions.FirstOrDefault() ?? "us-east-1", credentials, $"Vault: {set.Name}", cancellationToken);
    }

    /// <summary>
    /// KeyPair: checks the new pair with GetCallerIdentity first, then writes it as a new KV version
    /// with check-and-set on the version it replaces (the old one stays in Vault's history), and only
    /// then makes it current. VaultRole: asks Vault to rotate its root key (aws/config/rotate-root).
    /// </summary>
    private async Task<SettingsResult<RotationDto>> RotateAsync(string name, RotateCredentialRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var set = await db.CredentialSets.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (set is null) return SettingsResult<RotationDto>.Fail(SettingsOutcome.NotFound, $"No credential set named '{name}'.");
        var now = time.GetUtcNow().UtcDateTime;

        if (set.Kind == CredentialKind.VaultRole)
        {
            try
            {
                var newKey = await vault.RotateRootAsync(cancellationToken);
                set.RotatedAt = now;
                await db.SaveChangesAsync(cancellationToken);
                await ReloadAsync(db, name, cancellationToken);
                logger.LogInformation("Vault rotated the root key of its AWS engine (for {CredentialSet})", name);
                return SettingsResult<RotationDto>.Ok(new RotationDto(name, set.Kind.ToString(), null, newKey is null ? null : KeyPairSecret.Last4(newKey), null,
                    $"Vault rotated its AWS root key{(newKey is null ? "" : $" (now …{KeyPairSecret.Last4(newKey)})")}."));
            }
            catch (VaultException ex)
            {
                vaultStatus.ReportFailure(ex);
                return SettingsResult<RotationDto>.From(ex);
            }
        }

        var errors = new Dictionary<string, string[]>();
        ValidatePair(request.AccessKeyId, request.SecretAccessKey, errors);
        if (errors.Count > 0) return SettingsResult<RotationDto>.Invalid(errors);
        var pair = new KeyPairSecret(request.AccessKeyId!.Trim(), request.SecretAccessKey!);

        // Check before anything is written: a pair AWS refuses never becomes a version anyone reads.
        var check = await CallerIdentityAsync(set.Regions.FirstOrDefault() ?? "us-east-1",
            new BasicAWSCredentials(pair.AccessKeyId, pair.SecretAccessKey), "new key pair", cancellationToken);
        if (!check.Succeeded)
        {
            return check.Outcome == SettingsOutcome.UpstreamFailed
                ? SettingsResult<RotationDto>.Invalid("accessKeyId", $"AWS did not accept the new key pair: {check.Message}")
                : SettingsResult<RotationDto>.Fail(check.Outcome, check.Message!);
        }
        try
        {
            var current = (await vault.KvMetadataAsync(set.VaultPath, cancellationToken)).CurrentVersion;
            set.KvVersion = await vault.KvWriteAsync(set.VaultPath, pair.ToData(), cas: current, cancellationToken);
        }
        catch (VaultCasConflictException)
        {
            return SettingsResult<RotationDto>.Fail(SettingsOutcome.Conflict, "Someone wrote this secret in Vault at the same moment; nothing was changed by this rotation. Try again.");
        }
        catch (VaultException ex)
        {
            vaultStatus.ReportFailure(ex);
            return SettingsResult<RotationDto>.From(ex);
        }
        set.AccessKeyIdLast4 = KeyPairSecret.Last4(pair.AccessKeyId);
        set.RotatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        provider.Forget(name); // the new version is current from the next call on, whatever the cache said
        await ReloadAsync(db, name, cancellationToken);
        logger.LogInformation("Credential set {CredentialSet} rotated to KV version {Version}", name, set.KvVersion);
        return SettingsResult<RotationDto>.Ok(new RotationDto(name, set.Kind.ToString(), set.KvVersion, set.AccessKeyIdLast4, check.Value,
            $"{name} now uses key …{set.AccessKeyIdLast4} (Vault version {set.KvVersion}); the previous version stays in Vault's history. Deactivate the old key in IAM."));
    }

    /// <summary>Deletes the set and, for a key pair, its secret with every version from Vault. Vault first: if it cannot, nothing is deleted.</summary>
    private async Task<SettingsResult<string>> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var set = await db.CredentialSets.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (set is null) return SettingsResult<string>.Fail(SettingsOutcome.NotFound, $"No credential set named '{name}'.");
        if (set.Kind == CredentialKind.KeyPair)
        {
            try
            {
                await vault.KvDeleteAllAsync(set.VaultPath, cancellationToken);
            }
            catch (VaultException ex)
            {
                vaultStatus.ReportFailure(ex);
                return SettingsResult<string>.From(ex);
            }
        }
        db.CredentialSets.Remove(set);
        await db.SaveChangesAsync(cancellationToken);
        await provider.RetireAsync(name, cancellationToken);
        await ReloadAsync(db, name, cancellationToken);
        logger.LogInformation("Credential set {CredentialSet} deleted", name);
        var fallback = set.Regions.Count > 0 ? aws.CredentialsFor(set.Regions[0]).Source : "";
        return SettingsResult<string>.Ok(name, $"Credential set {name} deleted{(fallback.Length > 0 ? $"; its regions now use the {fallback}" : "")}.");
    }

    /// <summary>Loads the directory from the database (start-up and after every change).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        directory.Load(await db.CredentialSets.AsNoTracking().ToListAsync(cancellationToken));
    }

    /// <summary>Refreshes the directory and tells open pages. Leased keys stay cached: a rotate-root does not end them.</summary>
    private async Task ReloadAsync(ConsoleDbContext db, string name, CancellationToken cancellationToken)
    {
        directory.Load(await db.CredentialSets.AsNoTracking().ToListAsync(cancellationToken));
        feed.Publish(new CredentialsChanged(name));
    }

    private async Task<SettingsResult<CallerIdentityDto>> CallerIdentityAsync(string region, AWSCredentials credentials, string source, CancellationToken cancellationToken)
    {
        try
        {
            using var sts = aws.Sts(region, credentials);
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken);
            return SettingsResult<CallerIdentityDto>.Ok(new CallerIdentityDto(identity.Account, identity.Arn, identity.UserId, source),
                $"AWS account {identity.Account}, {identity.Arn}");
        }
        catch (Exception ex) when (AwsErrors.IsCredentialsUnavailable(ex))
        {
            return SettingsResult<CallerIdentityDto>.Fail(SettingsOutcome.Unavailable, AwsErrors.Describe(ex));
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or AmazonClientException)
        {
            return SettingsResult<CallerIdentityDto>.Fail(SettingsOutcome.UpstreamFailed, AwsErrors.Describe(ex));
        }
    }

    private static void ValidatePair(string? accessKeyId, string? secret, Dictionary<string, string[]> errors)
    {
        if (!AccessKeyIdPattern().IsMatch(accessKeyId?.Trim() ?? "")) errors["accessKeyId"] = ["Access key id: 16–128 capital letters and digits (e.g. AKIA…)."];
        if (string.IsNullOrEmpty(secret) || secret.Length < 16 || secret.Length > 256 || secret.Any(char.IsWhiteSpace))
        {
            errors["secretAccessKey"] = ["Secret access key: 16–256 characters without spaces."];
        }
    }

    private async Task<List<string>> ValidateRegionsAsync(ConsoleDbContext db, string name, IReadOnlyList<string>? requested,
        Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var regions = (requested ?? []).Select(r => r?.Trim() ?? "").Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (regions.Count == 0)
        {
            errors["regions"] = ["Choose at least one region for these credentials."];
            return regions;
        }
        var watched = await db.Regions.AsNoTracking().Select(r => r.Code).ToListAsync(cancellationToken);
        var unknown = regions.Except(watched).ToList();
        var taken = directory.All.Where(s => s.Name != name)
            .SelectMany(s => s.Regions.Intersect(regions).Select(r => $"{r} (by {s.Name})")).ToList();
        var problems = new List<string>();
        if (unknown.Count > 0) problems.Add($"Not watched regions: {string.Join(", ", unknown)}. Add them on the Regions tab first.");
        if (taken.Count > 0) problems.Add($"Already served: {string.Join(", ", taken)}. A region has one credential set.");
        if (problems.Count > 0) errors["regions"] = [.. problems];
        return regions;
    }
}
