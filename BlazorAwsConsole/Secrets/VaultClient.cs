using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Secrets;

/// <summary>
/// The console's own small Vault client (no Vault client package is served to us: README, "Why our
/// own Vault client"): token and AppRole auth with renewal before expiry, KV v2, the AWS secrets
/// engine, leases and sys/health, over HttpClient and System.Text.Json. Errors become typed
/// exceptions carrying Vault's own messages. Logs carry method, path and status, never a token or a
/// secret. One per console; thread-safe.
/// </summary>
public sealed class VaultClient : IDisposable
{
    private static readonly HttpMethod List = new("LIST");

    private readonly VaultOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<VaultClient> _logger;
    private readonly SemaphoreSlim _authGate = new(1, 1);
    private string? _token;
    private DateTimeOffset? _tokenExpiresAt;
    private TimeSpan _tokenTtl;
    private bool _tokenRenewable;

    public VaultClient(IOptions<VaultOptions> options, TimeProvider time, ILogger<VaultClient> logger, HttpMessageHandler? handler = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds),
        };
        if (_options.IsConfigured) _http.BaseAddress = new Uri(_options.Address!.TrimEnd('/') + "/v1/");
        if (!string.IsNullOrWhiteSpace(_options.Namespace)) _http.DefaultRequestHeaders.Add("X-Vault-Namespace", _options.Namespace);
        if (_options.AuthMethod == VaultAuthMethod.Token) _token = _options.EffectiveToken;
    }

    public bool IsConfigured => _options.IsConfigured;
    public VaultOptions Options => _options;

    // ---- sys/health ---------------------------------------------------------------------------

    /// <summary>Tells ready, standby, sealed, uninitialized and unreachable apart. Needs no token; never throws for Vault's state.</summary>
    public async Task<VaultHealth> HealthAsync(CancellationToken cancellationToken)
    {
        RequireConfigured();
        HttpResponseMessage response;
        try
        {
            // standbyok/perfstandbyok would hide the standby state; ask plainly and read the code.
            response = await _http.GetAsync("sys/health", cancellationToken);
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            return new VaultHealth(VaultHealthState.Unreachable, null, Unreachable(ex).Reason);
        }
        using (response)
        {
            var body = await TryReadAsync<VaultWire.Health>(response, cancellationToken);
            var code = (int)response.StatusCode;
            return code switch
            {
                200 => new VaultHealth(VaultHealthState.Ready, body?.Version, "Vault is initialized, unsealed and active"),
                429 or 473 => new VaultHealth(VaultHealthState.Standby, body?.Version, "Vault answers from a standby node"),
                501 => new VaultHealth(VaultHealthState.Uninitialized, body?.Version, "Vault is not initialized"),
                503 => new VaultHealth(VaultHealthState.Sealed, body?.Version, "Vault is sealed"),
                _ => new VaultHealth(VaultHealthState.Unreachable, body?.Version, $"sys/health answered {code}"),
            };
        }
    }

    // ---- auth ---------------------------------------------------------------------------------

    /// <summary>Logs in with AppRole; the token is kept for later calls.</summary>
    public async Task LoginAppRoleAsync(CancellationToken cancellationToken)
    {
        var envelope = await SendAsync<object>(HttpMethod.Post, $"auth/{_options.AppRoleMount}/login",
            new { role_id = _options.RoleId, secret_id = _options.SecretId }, authenticated: false, cancellationToken);
        var auth = envelope.Auth ?? throw new VaultException("AppRole login answered without an auth block");
        SetToken(auth.ClientToken, auth.LeaseDuration, auth.Renewable);
        _logger.LogInformation("Vault AppRole login succeeded; token valid for {TtlSeconds} s", auth.LeaseDuration);
    }

    public async Task<VaultTokenInfo> LookupSelfAsync(CancellationToken cancellationToken)
    {
        var envelope = await SendAsync<VaultWire.TokenLookup>(HttpMethod.Get, "auth/token/lookup-self", null, authenticated: true, cancellationToken);
        var data = envelope.Data ?? throw new VaultException("lookup-self answered without data");
        _tokenTtl = TimeSpan.FromSeconds(data.Ttl);
        _tokenRenewable = data.Renewable;
        _tokenExpiresAt = data.Ttl > 0 ? _time.GetUtcNow().AddSeconds(data.Ttl) : null;
        return new VaultTokenInfo(data.DisplayName, data.Policies ?? [], TimeSpan.FromSeconds(data.Ttl), data.Renewable, data.ExpireTime);
    }

    /// <summary>Extends the console's token by its own increment (Vault caps it at the role's max TTL).</summary>
    public async Task<TimeSpan> RenewSelfAsync(CancellationToken cancellationToken)
    {
        var envelope = await SendAsync<object>(HttpMethod.Post, "auth/token/renew-self", new { }, authenticated: true, cancellationToken);
        var auth = envelope.Auth ?? throw new VaultException("renew-self answered without an auth block");
        SetToken(auth.ClientToken ?? _token, auth.LeaseDuration, auth.Renewable);
        _logger.LogInformation("Vault token renewed for {TtlSeconds} s", auth.LeaseDuration);
        return TimeSpan.FromSeconds(auth.LeaseDuration);
    }

    /// <summary>When the token expires (null: never, or not yet known).</summary>
    public DateTimeOffset? TokenExpiresAt => _tokenExpiresAt;

    // ---- KV v2 --------------------------------------------------------------------------------

    public async Task<KvSecret> KvReadAsync(string path, int? version, CancellationToken cancellationToken)
    {
        var query = version is { } v ? $"?version={v}" : "";
        var envelope = await SendAsync<VaultWire.KvData>(HttpMethod.Get, $"{_options.KvMount}/data/{Escape(path)}{query}", null, true, cancellationToken);
        var data = envelope.Data ?? throw new VaultNotFoundException($"No secret at {path}");
        if (data.Data is null) throw new VaultNotFoundException($"Version {data.Metadata?.Version} of {path} is deleted");
        return new KvSecret(data.Data, data.Metadata?.Version ?? 0, data.Metadata?.CreatedTime ?? default);
    }

    /// <summary>Writes a new version. <paramref name="cas"/>: 0 = only if the path is new; N = only if N is the current version; null = unconditional.</summary>
    public async Task<int> KvWriteAsync(string path, IReadOnlyDictionary<string, string> data, int? cas, CancellationToken cancellationToken)
    {
        object body = cas is { } expected ? new { options = new { cas = expected }, data } : new { data };
        var envelope = await SendAsync<VaultWire.KvVersion>(HttpMethod.Post, $"{_options.KvMount}/data/{Escape(path)}", body, true, cancellationToken);
        return envelope.Data?.Version ?? throw new VaultException($"KV write to {path} answered without a version");
    }

    public async Task<IReadOnlyList<string>> KvListAsync(string folder, CancellationToken cancellationToken)
    {
        try
        {
            var envelope = await SendAsync<VaultWire.Keys>(List, $"{_options.KvMount}/metadata/{Escape(folder)}", null, true, cancellationToken);
            return envelope.Data?.Values ?? [];
        }
        catch (VaultNotFoundException)
        {
            return []; // Vault answers 404 for a folder with nothing under it.
        }
    }

    public async Task<KvMetadata> KvMetadataAsync(string path, CancellationToken cancellationToken)
    {
        var envelope = await SendAsync<VaultWire.KvMeta>(HttpMethod.Get, $"{_options.KvMount}/metadata/{Escape(path)}", null, true, cancellationToken);
        var meta = envelope.Data ?? throw new VaultNotFoundException($"No metadata at {path}");
        var versions = (meta.Versions ?? []).Select(pair => new KvVersionInfo(int.Parse(pair.Key),
                pair.Value.CreatedTime,
                DateTime.TryParse(pair.Value.DeletionTime, null, System.Globalization.DateTimeStyles.AdjustToUniversal, out var deleted) ? deleted : null,
                pair.Value.Destroyed))
            .OrderBy(v => v.Version).ToList();
        return new KvMetadata(meta.CurrentVersion, meta.OldestVersion, meta.CreatedTime, meta.UpdatedTime, versions);
    }

    /// <summary>Deletes the secret with every version and its metadata (KV v2 DELETE metadata).</summary>
    public Task KvDeleteAllAsync(string path, CancellationToken cancellationToken) =>
        SendAsync<object>(HttpMethod.Delete, $"{_options.KvMount}/metadata/{Escape(path)}", null, true, cancellationToken);

    /// <summary>Soft-deletes the latest version (it can be undeleted in Vault).</summary>
    public Task KvDeleteLatestAsync(string path, CancellationToken cancellationToken) =>
        SendAsync<object>(HttpMethod.Delete, $"{_options.KvMount}/data/{Escape(path)}", null, true, cancellationToken);

    // ---- AWS secrets engine and leases --------------------------------------------------------

    /// <summary>Reads aws/creds/&lt;role&gt; (IAM user keys) or, with <paramref name="sts"/>, aws/sts/&lt;role&gt; (STS keys).</summary>
    public async Task<AwsLease> AwsCredentialsAsync(string role, bool sts, CancellationToken cancellationToken)
    {
        var path = $"{_options.AwsMount}/{(sts ? "sts" : "creds")}/{Escape(role)}";
        var envelope = await SendAsync<VaultWire.AwsCreds>(HttpMethod.Get, path, null, true, cancellationToken);
        var data = envelope.Data;
        if (data?.AccessKey is null || data.SecretKey is null) throw new VaultException($"{path} answered without keys");
        return new AwsLease(data.AccessKey, data.SecretKey, data.SessionToken ?? data.SecurityToken, envelope.LeaseId ?? "",
            TimeSpan.FromSeconds(envelope.LeaseDuration), envelope.Renewable);
    }

    public async Task<LeaseRenewal> RenewLeaseAsync(string leaseId, TimeSpan? increment, CancellationToken cancellationToken)
    {
        object body = increment is { } by ? new { lease_id = leaseId, increment = (long)by.TotalSeconds } : new { lease_id = leaseId };
        var envelope = await SendAsync<object>(HttpMethod.Put, "sys/leases/renew", body, true, cancellationToken);
        return new LeaseRenewal(envelope.LeaseId ?? leaseId, TimeSpan.FromSeconds(envelope.LeaseDuration), envelope.Renewable);
    }

    public Task RevokeLeaseAsync(string leaseId, CancellationToken cancellationToken) =>
        SendAsync<object>(HttpMethod.Put, "sys/leases/revoke", new { lease_id = leaseId }, true, cancellationToken);

    /// <summary>Makes Vault replace its own root IAM key (aws/config/rotate-root); returns the new key id.</summary>
    public async Task<string?> RotateRootAsync(CancellationToken cancellationToken)
    {
        var envelope = await SendAsync<VaultWire.RotateRoot>(HttpMethod.Post, $"{_options.AwsMount}/config/rotate-root", new { }, true, cancellationToken);
        return envelope.Data?.AccessKey;
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private async Task<VaultWire.Envelope<T>> SendAsync<T>(HttpMethod method, string path, object? body, bool authenticated, CancellationToken cancellationToken)
    {
        RequireConfigured();
        if (authenticated) await EnsureTokenAsync(cancellationToken);
        using var request = new HttpRequestMessage(method, path);
        if (authenticated && _token is { } token) request.Headers.Add("X-Vault-Token", token);
        if (body is not null) request.Content = JsonContent.Create(body);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (IsTransport(ex, cancellationToken))
        {
            _logger.LogWarning("Vault {Method} {Path}: unreachable ({Error})", method, StripQuery(path), ex.GetType().Name);
            throw Unreachable(ex);
        }
        using (response)
        {
            _logger.LogDebug("Vault {Method} {Path}: {Status}", method, StripQuery(path), (int)response.StatusCode);
            if (response.IsSuccessStatusCode)
            {
                if (response.StatusCode == HttpStatusCode.NoContent) return new VaultWire.Envelope<T>(default, null, null, 0, false);
                return await response.Content.ReadFromJsonAsync<VaultWire.Envelope<T>>(cancellationToken)
                    ?? new VaultWire.Envelope<T>(default, null, null, 0, false);
            }
            var errors = (await TryReadAsync<VaultWire.ErrorBody>(response, cancellationToken))?.Errors ?? [];
            _logger.LogWarning("Vault {Method} {Path}: {Status}", method, StripQuery(path), (int)response.StatusCode);
            throw ToException(response.StatusCode, errors, StripQuery(path));
        }
    }

    private static VaultException ToException(HttpStatusCode status, List<string> errors, string path)
    {
        var said = errors.Count > 0 ? string.Join("; ", errors) : null;
        return status switch
        {
            HttpStatusCode.ServiceUnavailable when said is null || said.Contains("sealed", StringComparison.OrdinalIgnoreCase) =>
                new VaultSealedException(said ?? "Vault is sealed", errors),
            HttpStatusCode.Forbidden => new VaultForbiddenException($"Vault denied access to {path}: {said ?? "permission denied"}", errors),
            HttpStatusCode.NotFound => new VaultNotFoundException($"Nothing at {path} in Vault{(said is null ? "" : $": {said}")}", errors),
            HttpStatusCode.BadRequest when said?.Contains("check-and-set", StringComparison.OrdinalIgnoreCase) == true =>
                new VaultCasConflictException($"Vault refused the write to {path}: {said}", errors),
            _ => new VaultException($"Vault answered {(int)status} for {path}{(said is null ? "" : $": {said}")}", status, errors),
        };
    }

    /// <summary>
    /// Logs in (AppRole) when there is no token, and renews a renewable token once two thirds of its
    /// TTL are gone — or earlier when less than two status checks remain, so a short TTL cannot lapse
    /// between two checks.
    /// </summary>
    private async Task EnsureTokenAsync(CancellationToken cancellationToken)
    {
        if (_options.AuthMethod == VaultAuthMethod.Token && _tokenExpiresAt is null) return;
        if (_token is not null && !RenewalDue()) return;

        await _authGate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (_token is not null && !RenewalDue()) return;
            if (_token is not null && _tokenRenewable && _tokenExpiresAt > now)
            {
                var previous = _tokenExpiresAt;
                try
                {
                    _tokenExpiresAt = null; // renew-self must not recurse into here
                    await RenewSelfAsync(cancellationToken);
                    return;
                }
                catch (VaultForbiddenException) when (_options.AuthMethod == VaultAuthMethod.AppRole)
                {
                    // The token is gone; a fresh login follows.
                }
                catch
                {
                    _tokenExpiresAt = previous; // try again on the next call
                    throw;
                }
            }
            if (_options.AuthMethod == VaultAuthMethod.AppRole)
            {
                _token = null;
                await LoginAppRoleAsync(cancellationToken);
            }
        }
        finally
        {
            _authGate.Release();
        }
    }

    private bool RenewalDue()
    {
        if (_tokenExpiresAt is not { } expires) return false;
        var margin = TimeSpan.FromTicks(Math.Max(_tokenTtl.Ticks / 3, TimeSpan.FromSeconds(2 * _options.StatusCheckSeconds).Ticks));
        return expires - _time.GetUtcNow() <= margin;
    }

    private void SetToken(string? token, long leaseSeconds, bool renewable)
    {
        _token = token;
        _tokenTtl = TimeSpan.FromSeconds(leaseSeconds);
        _tokenRenewable = renewable;
        _tokenExpiresAt = leaseSeconds > 0 ? _time.GetUtcNow().AddSeconds(leaseSeconds) : null;
    }

    private void RequireConfigured()
    {
        if (!_options.IsConfigured) throw new VaultNotConfiguredException();
    }

    private static bool IsTransport(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or SocketException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private VaultUnreachableException Unreachable(Exception ex) => new(ex is TaskCanceledException
        ? $"Vault at {_options.Address} did not answer within {_options.TimeoutSeconds} s"
        : $"Vault at {_options.Address} is unreachable: {ex.Message}", ex);

    private static async Task<T?> TryReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static string StripQuery(string path) => path.Split('?')[0];

    public void Dispose()
    {
        _http.Dispose();
        _authGate.Dispose();
    }
}
