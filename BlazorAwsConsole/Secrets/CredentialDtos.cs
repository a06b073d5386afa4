namespace BlazorAwsConsole.Secrets;

/// <summary>A credential set as pages and the API show it: never a secret.</summary>
public sealed record CredentialSetDto(
    string Name, string Kind, string VaultPath, bool UseSts, IReadOnlyList<string> Regions, string? RoleArn,
    string? AccessKeyIdLast4, int? KvVersion, DateTime CreatedAt, DateTime? RotatedAt, int AgeDays, bool TooOld)
{
    public static CredentialSetDto From(CredentialSet set, DateTime now, int maxAgeDays)
    {
        var age = (int)Math.Floor((now - DateTime.SpecifyKind(set.KeyDate, DateTimeKind.Utc)).TotalDays);
        return new(set.Name, set.Kind.ToString(), set.VaultPath, set.UseSts, set.Regions, set.RoleArn, set.AccessKeyIdLast4, set.KvVersion,
            DateTime.SpecifyKind(set.CreatedAt, DateTimeKind.Utc), set.RotatedAt is { } r ? DateTime.SpecifyKind(r, DateTimeKind.Utc) : null,
            Math.Max(0, age), age > maxAgeDays);
    }
}

/// <summary>Adding a credential set: a key pair (AccessKeyId + SecretAccessKey) or a Vault role (VaultRole).</summary>
public sealed record AddCredentialRequest(
    string? Name, string? Kind, string? AccessKeyId, string? SecretAccessKey, string? VaultRole, bool UseSts,
    IReadOnlyList<string>? Regions, string? RoleArn)
{
    // The secret must never reach a log line through this record's ToString.
    public override string ToString() => $"AddCredentialRequest({Name}, {Kind})";
}

/// <summary>A new key pair for a stored key pair; ignored (may be empty) for a Vault role, whose rotation is rotate-root.</summary>
public sealed record RotateCredentialRequest(string? AccessKeyId, string? SecretAccessKey)
{
    public override string ToString() => "RotateCredentialRequest(…)";
}

/// <summary>What STS GetCallerIdentity said about a credential set.</summary>
public sealed record CallerIdentityDto(string Account, string Arn, string UserId, string Source);

public sealed record RotationDto(string Name, string Kind, int? KvVersion, string? AccessKeyIdLast4, CallerIdentityDto? Identity, string Message);
