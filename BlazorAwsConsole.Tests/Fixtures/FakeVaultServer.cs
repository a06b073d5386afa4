using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A fake Vault on a real loopback socket (no Vault server can be had here: ENVIRONMENT.md). It
/// follows Vault's published HTTP API for what the console uses: paths under /v1/, the
/// X-Vault-Token header, token lookup-self/renew-self, AppRole login, KV v2 data/metadata with
/// check-and-set and versions, the AWS secrets engine (creds, sts, rotate-root), sys/leases and
/// sys/health, with Vault's JSON shapes and its {"errors":[...]} bodies and status codes.
/// Switches let tests seal it, make it unreachable or silent, and revoke or expire tokens.
/// Mounts are Vault's defaults: secret (KV v2), aws, approle.
/// </summary>
public sealed class FakeVaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TokenState> _tokens = new();
    private readonly ConcurrentDictionary<string, List<KvVersion>> _kv = new();
    private readonly ConcurrentDictionary<string, LeaseState> _leases = new();
    private readonly ConcurrentDictionary<string, bool> _awsRoles = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Lock _kvLock = new();

    private FakeVaultServer(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        RootToken = "hvs.fake-root-" + RandomNumberGenerator.GetHexString(24, lowercase: true);
        _tokens[RootToken] = new TokenState("root", ["root"], Ttl: 0, Renewable: false, DateTimeOffset.UtcNow);
    }

    public string Address { get; }
    public string RootToken { get; }
    public string RoleId { get; } = Guid.NewGuid().ToString();
    public string SecretId { get; } = Guid.NewGuid().ToString();

    /// <summary>Seconds of TTL a token issued by AppRole login (or renewed) gets.</summary>
    public int AppRoleTokenTtlSeconds { get; set; } = 3600;
    public int AwsLeaseSeconds { get; set; } = 900;

    /// <summary>503 "Vault is sealed" for everything but sys/health (which answers 503 with sealed=true).</summary>
    public bool Sealed { get; set; }
    /// <summary>Connections are dropped without an answer: the client sees the network fail.</summary>
    public bool Unreachable { get; set; }
    /// <summary>Requests are held until the client gives up: a Vault that stopped answering.</summary>
    public bool Silent { get; set; }
    /// <summary>Paths (prefixes under /v1/) every token is denied with 403.</summary>
    public ConcurrentBag<string> DeniedPrefixes { get; } = [];

    /// <summary>"METHOD path" of every request that reached the fake, in order (no headers, no bodies).</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();
    public int RotateRootCount { get; private set; }

    public static async Task<FakeVaultServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeVaultServer? fake = null;
        app.Run(context => fake!.HandleAsync(context));
        await app.StartAsync();
        fake = new FakeVaultServer(app, app.Urls.First());
        return fake;
    }

    /// <summary>A token with its own TTL and renewability, as `vault token create -ttl=… ` would make.</summary>
    public string CreateToken(int ttlSeconds, bool renewable = true, params string[] policies)
    {
        var token = "hvs.fake-" + RandomNumberGenerator.GetHexString(24, lowercase: true);
        _tokens[token] = new TokenState("token", policies.Length > 0 ? policies : ["default"], ttlSeconds, renewable, DateTimeOffset.UtcNow);
        return token;
    }

    public void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>The token stops working <paramref name="seconds"/> from now, whatever its TTL said.</summary>
    public void ExpireTokenAfter(string token, int seconds)
    {
        if (_tokens.TryGetValue(token, out var state)) _tokens[token] = state with { HardExpiry = DateTimeOffset.UtcNow.AddSeconds(seconds) };
    }

    public void AddAwsRole(string role) => _awsRoles[role] = true;

    public bool LeaseIsLive(string leaseId) => _leases.TryGetValue(leaseId, out var lease) && !lease.Revoked && lease.ExpiresAt > DateTimeOffset.UtcNow;

    /// <summary>Everything stored at a KV path (every version's data), for tests that look at Vault directly.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> KvVersions(string path)
    {
        lock (_kvLock) return _kv.TryGetValue(path, out var versions) ? versions.Select(v => (IReadOnlyDictionary<string, string>)v.Data).ToList() : [];
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        _requests.Enqueue($"{context.Request.Method} {path}");
        if (Unreachable)
        {
            context.Abort();
            return;
        }
        if (Silent)
        {
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); } catch (OperationCanceledException) { }
            return;
        }
        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            await Error(context, 404, "unsupported path");
            return;
        }
        path = path["/v1/".Length..].TrimEnd('/');
        var method = context.Request.Method;
        if (method == "GET" && context.Request.Query["list"] == "true") method = "LIST";

        if (path == "sys/health")
        {
            var code = Sealed ? 503 : 200;
            await Json(context, code, new JsonObject { ["initialized"] = true, ["sealed"] = Sealed, ["standby"] = false, ["version"] = "1.17.0-fake" });
            return;
        }
        if (Sealed)
        {
            await Error(context, 503, "Vault is sealed");
            return;
        }
        var body = await ReadBodyAsync(context);
        if (path == "auth/approle/login" && method is "POST" or "PUT")
        {
            if (body?["role_id"]?.GetValue<string>() != RoleId || body?["secret_id"]?.GetValue<string>() != SecretId)
            {
                await Error(context, 400, "invalid role or secret ID");
                return;
            }
            var token = CreateToken(AppRoleTokenTtlSeconds, renewable: true, "blazor-aws-console");
            await Json(context, 200, AuthEnvelope(token, _tokens[token]));
            return;
        }

        var caller = context.Request.Headers["X-Vault-Token"].ToString();
        if (!_tokens.TryGetValue(caller, out var tokenState) || tokenState.IsExpired(DateTimeOffset.UtcNow)
            || DeniedPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
        {
            await Error(context, 403, "permission denied");
            return;
        }

        switch (method, path)
        {
            case ("GET", "auth/token/lookup-self"):
                await Json(context, 200, Envelope(new JsonObject
                {
                    ["display_name"] = tokenState.DisplayName,
                    ["policies"] = new JsonArray(tokenState.Policies.Select(p => (JsonNode)p).ToArray()),
                    ["ttl"] = tokenState.RemainingSeconds(DateTimeOffset.UtcNow),
                    ["renewable"] = tokenState.Renewable,
                    ["expire_time"] = tokenState.Ttl == 0 ? null : tokenState.ExpiresAt.VaultTime(),
                }));
                return;
            case ("POST" or "PUT", "auth/token/renew-self"):
                if (!tokenState.Renewable)
                {
                    await Error(context, 400, "lease is not renewable");
                    return;
                }
                var renewed = tokenState with { IssuedAt = DateTimeOffset.UtcNow, Ttl = Math.Max(tokenState.Ttl, AppRoleTokenTtlSeconds) };
                _tokens[caller] = renewed;
                await Json(context, 200, AuthEnvelope(caller, renewed));
                return;
            case ("PUT" or "POST", "sys/leases/renew"):
                await RenewLeaseAsync(context, body);
                return;
            case ("PUT" or "POST", "sys/leases/revoke"):
                if (body?["lease_id"]?.GetValue<string>() is { } revokeId && _leases.TryGetValue(revokeId, out var toRevoke))
                {
                    _leases[revokeId] = toRevoke with { Revoked = true };
                }
                context.Response.StatusCode = 204; // Vault answers 204 even for an unknown lease.
                return;
            case ("POST" or "PUT", "aws/config/rotate-root"):
                RotateRootCount++;
                await Json(context, 200, Envelope(new JsonObject { ["access_key"] = NewAccessKeyId() }));
                return;
        }

        if (path.StartsWith("aws/creds/", StringComparison.Ordinal) || path.StartsWith("aws/sts/", StringComparison.Ordinal))
        {
            var sts = path.StartsWith("aws/sts/", StringComparison.Ordinal);
            var role = path[(sts ? "aws/sts/" : "aws/creds/").Length..];
            if (!_awsRoles.ContainsKey(role) || method is not ("GET" or "POST" or "PUT"))
            {
                await Error(context, 400, $"Role \"{role}\" not found");
                return;
            }
            var leaseId = $"{path}/{RandomNumberGenerator.GetHexString(16, lowercase: true)}";
            _leases[leaseId] = new LeaseState(DateTimeOffset.UtcNow.AddSeconds(AwsLeaseSeconds), Renewable: !sts, Revoked: false);
            await Json(context, 200, new JsonObject
            {
                ["request_id"] = Guid.NewGuid().ToString(),
                ["lease_id"] = leaseId,
                ["renewable"] = !sts,
                ["lease_duration"] = AwsLeaseSeconds,
                ["data"] = new JsonObject
                {
                    ["access_key"] = NewAccessKeyId(),
                    ["secret_key"] = RandomNumberGenerator.GetHexString(40, lowercase: true),
                    ["session_token"] = sts ? RandomNumberGenerator.GetHexString(64, lowercase: true) : null,
                },
                ["wrap_info"] = null, ["warnings"] = null, ["auth"] = null,
            });
            return;
        }
        if (path.StartsWith("secret/data/", StringComparison.Ordinal))
        {
            await KvDataAsync(context, method, path["secret/data/".Length..], body);
            return;
        }
        if (path.StartsWith("secret/metadata", StringComparison.Ordinal))
        {
            await KvMetadataAsync(context, method, path.Length > "secret/metadata/".Length ? path["secret/metadata/".Length..] : "");
            return;
        }
        await Error(context, 404, $"no handler for route \"{path}\". route entry not found.");
    }

    private async Task KvDataAsync(HttpContext context, string method, string key, JsonNode? body)
    {
        switch (method)
        {
            case "GET":
                KvVersion? found;
                lock (_kvLock)
                {
                    _kv.TryGetValue(key, out var versions);
                    var wanted = int.TryParse(context.Request.Query["version"], out var v) && v > 0 ? v : versions?.Count ?? 0;
                    found = versions is not null && wanted >= 1 && wanted <= versions.Count ? versions[wanted - 1] : null;
                }
                if (found is null)
                {
                    await Json(context, 404, new JsonObject { ["errors"] = new JsonArray() });
                    return;
                }
                await Json(context, found.Deleted is null ? 200 : 404, Envelope(new JsonObject
                {
                    ["data"] = found.Deleted is null ? ToJson(found.Data) : null,
                    ["metadata"] = VersionJson(found),
                }));
                return;
            case "POST" or "PUT":
                if (body?["data"] is not JsonObject data)
                {
                    await Error(context, 400, "no data provided");
                    return;
                }
                KvVersion written;
                lock (_kvLock)
                {
                    var versions = _kv.GetOrAdd(key, _ => []);
                    if (body["options"]?["cas"] is { } cas && cas.GetValue<int>() != versions.Count)
                    {
                        written = null!;
                    }
                    else
                    {
                        written = new KvVersion(versions.Count + 1, data.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? ""), DateTimeOffset.UtcNow, null);
                        versions.Add(written);
                    }
                }
                if (written is null)
                {
                    await Error(context, 400, "check-and-set parameter did not match the current version");
                    return;
                }
                await Json(context, 200, Envelope(VersionJson(written)));
                return;
            case "DELETE":
                lock (_kvLock)
                {
                    if (_kv.TryGetValue(key, out var versions) && versions.Count > 0)
                    {
                        versions[^1] = versions[^1] with { Deleted = DateTimeOffset.UtcNow };
                    }
                }
                context.Response.StatusCode = 204;
                return;
        }
        await Error(context, 405, "unsupported operation");
    }

    private async Task KvMetadataAsync(HttpContext context, string method, string key)
    {
        switch (method)
        {
            case "LIST":
                var prefix = key.Length == 0 ? "" : key + "/";
                List<string> keys;
                lock (_kvLock)
                {
                    keys = _kv.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                        .Select(k => k[prefix.Length..]).Select(rest => rest.Contains('/') ? rest[..(rest.IndexOf('/') + 1)] : rest)
                        .Distinct().Order(StringComparer.Ordinal).ToList();
                }
                if (keys.Count == 0)
                {
                    await Json(context, 404, new JsonObject { ["errors"] = new JsonArray() });
                    return;
                }
                await Json(context, 200, Envelope(new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k).ToArray()) }));
                return;
            case "GET":
                JsonObject? meta = null;
                lock (_kvLock)
                {
                    if (_kv.TryGetValue(key, out var versions) && versions.Count > 0)
                    {
                        var all = new JsonObject();
                        foreach (var version in versions)
                        {
                            all[version.Number.ToString()] = new JsonObject
                            {
                                ["created_time"] = version.Created.VaultTime(),
                                ["deletion_time"] = version.Deleted?.VaultTime() ?? "",
                                ["destroyed"] = false,
                            };
                        }
                        meta = new JsonObject
                        {
                            ["current_version"] = versions.Count,
                            ["oldest_version"] = 0,
                            ["max_versions"] = 0,
                            ["cas_required"] = false,
                            ["created_time"] = versions[0].Created.VaultTime(),
                            ["updated_time"] = versions[^1].Created.VaultTime(),
                            ["versions"] = all,
                        };
                    }
                }
                if (meta is null)
                {
                    await Json(context, 404, new JsonObject { ["errors"] = new JsonArray() });
                    return;
                }
                await Json(context, 200, Envelope(meta));
                return;
            case "DELETE":
                lock (_kvLock) _kv.TryRemove(key, out _);
                context.Response.StatusCode = 204;
                return;
        }
        await Error(context, 405, "unsupported operation");
    }

    private async Task RenewLeaseAsync(HttpContext context, JsonNode? body)
    {
        var leaseId = body?["lease_id"]?.GetValue<string>() ?? "";
        if (!_leases.TryGetValue(leaseId, out var lease) || lease.Revoked || lease.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            await Error(context, 400, "lease not found");
            return;
        }
        if (!lease.Renewable)
        {
            await Error(context, 400, "lease is not renewable");
            return;
        }
        var increment = body?["increment"] is { } inc ? inc.GetValue<long>() : AwsLeaseSeconds;
        _leases[leaseId] = lease with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(increment) };
        await Json(context, 200, new JsonObject { ["lease_id"] = leaseId, ["renewable"] = true, ["lease_duration"] = increment });
    }

    private static JsonObject Envelope(JsonNode data) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = null,
    };

    private static JsonObject AuthEnvelope(string token, TokenState state) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = null,
        ["auth"] = new JsonObject
        {
            ["client_token"] = token,
            ["accessor"] = Guid.NewGuid().ToString(),
            ["policies"] = new JsonArray(state.Policies.Select(p => (JsonNode)p).ToArray()),
            ["lease_duration"] = state.Ttl,
            ["renewable"] = state.Renewable,
        },
    };

    private static JsonObject VersionJson(KvVersion version) => new()
    {
        ["created_time"] = version.Created.VaultTime(),
        ["custom_metadata"] = null,
        ["deletion_time"] = version.Deleted?.VaultTime() ?? "",
        ["destroyed"] = false,
        ["version"] = version.Number,
    };

    private static JsonObject ToJson(Dictionary<string, string> data) => new(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

    private static string NewAccessKeyId() => "AKIA" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);

    private static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength is 0 or null && !context.Request.Headers.ContainsKey("Transfer-Encoding")) return null;
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task Error(HttpContext context, int status, string message) =>
        Json(context, status, new JsonObject { ["errors"] = new JsonArray(message) });

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        Silent = false;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record TokenState(string DisplayName, string[] Policies, int Ttl, bool Renewable, DateTimeOffset IssuedAt, DateTimeOffset? HardExpiry = null)
    {
        public DateTimeOffset ExpiresAt => HardExpiry is { } hard && (Ttl == 0 || hard < IssuedAt.AddSeconds(Ttl)) ? hard : IssuedAt.AddSeconds(Ttl);
        public bool IsExpired(DateTimeOffset now) => (Ttl > 0 || HardExpiry is not null) && ExpiresAt <= now;
        public long RemainingSeconds(DateTimeOffset now) => Ttl == 0 && HardExpiry is null ? 0 : Math.Max(0, (long)(ExpiresAt - now).TotalSeconds);
    }

    private sealed record KvVersion(int Number, Dictionary<string, string> Data, DateTimeOffset Created, DateTimeOffset? Deleted);

    private sealed record LeaseState(DateTimeOffset ExpiresAt, bool Renewable, bool Revoked);
}

internal static class VaultTimeFormat
{
    /// <summary>Vault writes times as RFC 3339 with nanoseconds (Go's time.RFC3339Nano): nine fractional digits.</summary>
    public static string VaultTime(this DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff") + "00Z";
}
