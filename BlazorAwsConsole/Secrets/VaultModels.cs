using System.Text.Json.Serialization;

namespace BlazorAwsConsole.Secrets;

/// <summary>One version of a KV v2 secret.</summary>
public sealed record KvSecret(IReadOnlyDictionary<string, string> Data, int Version, DateTime CreatedTime);

/// <summary>A KV v2 secret's metadata: its current version and the history Vault keeps.</summary>
public sealed record KvMetadata(int CurrentVersion, int OldestVersion, DateTime CreatedTime, DateTime UpdatedTime, IReadOnlyList<KvVersionInfo> Versions);

public sealed record KvVersionInfo(int Version, DateTime CreatedTime, DateTime? DeletionTime, bool Destroyed);

/// <summary>Short-lived AWS keys issued by the AWS secrets engine, with their lease.</summary>
public sealed record AwsLease(string AccessKey, string SecretKey, string? SessionToken, string LeaseId, TimeSpan LeaseDuration, bool Renewable);

public sealed record LeaseRenewal(string LeaseId, TimeSpan LeaseDuration, bool Renewable);

/// <summary>What lookup-self says about the console's token (never the token itself). Ttl zero: it does not expire.</summary>
public sealed record VaultTokenInfo(string? DisplayName, IReadOnlyList<string> Policies, TimeSpan Ttl, bool Renewable, DateTime? ExpireTime);

public enum VaultHealthState
{
    Ready,
    Standby,
    Sealed,
    Uninitialized,
    Unreachable,
}

/// <summary>sys/health, told apart by its status code as Vault documents (200, 429/473 standby, 501, 503).</summary>
public sealed record VaultHealth(VaultHealthState State, string? Version, string Detail)
{
    public bool Usable => State is VaultHealthState.Ready or VaultHealthState.Standby;
}

/// <summary>Vault's JSON shapes, only as far as the console reads them.</summary>
internal static class VaultWire
{
    public sealed record ErrorBody([property: JsonPropertyName("errors")] List<string>? Errors);

    public sealed record Envelope<T>(
        [property: JsonPropertyName("data")] T? Data,
        [property: JsonPropertyName("auth")] AuthBlock? Auth,
        [property: JsonPropertyName("lease_id")] string? LeaseId,
        [property: JsonPropertyName("lease_duration")] long LeaseDuration,
        [property: JsonPropertyName("renewable")] bool Renewable);

    public sealed record AuthBlock(
        [property: JsonPropertyName("client_token")] string? ClientToken,
        [property: JsonPropertyName("policies")] List<string>? Policies,
        [property: JsonPropertyName("lease_duration")] long LeaseDuration,
        [property: JsonPropertyName("renewable")] bool Renewable);

    public sealed record KvData(
        [property: JsonPropertyName("data")] Dictionary<string, string>? Data,
        [property: JsonPropertyName("metadata")] KvVersion? Metadata);

    public sealed record KvVersion(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("created_time")] DateTime CreatedTime,
        [property: JsonPropertyName("deletion_time")] string? DeletionTime,
        [property: JsonPropertyName("destroyed")] bool Destroyed);

    public sealed record KvMeta(
        [property: JsonPropertyName("current_version")] int CurrentVersion,
        [property: JsonPropertyName("oldest_version")] int OldestVersion,
        [property: JsonPropertyName("created_time")] DateTime CreatedTime,
        [property: JsonPropertyName("updated_time")] DateTime UpdatedTime,
        [property: JsonPropertyName("versions")] Dictionary<string, KvVersion>? Versions);

    public sealed record Keys([property: JsonPropertyName("keys")] List<string>? Values);

    public sealed record AwsCreds(
        [property: JsonPropertyName("access_key")] string? AccessKey,
        [property: JsonPropertyName("secret_key")] string? SecretKey,
        [property: JsonPropertyName("session_token")] string? SessionToken,
        [property: JsonPropertyName("security_token")] string? SecurityToken);

    public sealed record TokenLookup(
        [property: JsonPropertyName("display_name")] string? DisplayName,
        [property: JsonPropertyName("policies")] List<string>? Policies,
        [property: JsonPropertyName("ttl")] long Ttl,
        [property: JsonPropertyName("renewable")] bool Renewable,
        [property: JsonPropertyName("expire_time")] DateTime? ExpireTime);

    public sealed record Health(
        [property: JsonPropertyName("initialized")] bool Initialized,
        [property: JsonPropertyName("sealed")] bool Sealed,
        [property: JsonPropertyName("standby")] bool Standby,
        [property: JsonPropertyName("version")] string? Version);

    public sealed record RotateRoot([property: JsonPropertyName("access_key")] string? AccessKey);
}
