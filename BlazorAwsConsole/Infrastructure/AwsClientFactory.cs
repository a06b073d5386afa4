using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SQS;
using Amazon.SimpleSystemsManagement;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// The one place AWS clients are made (DESIGN.md): a client per region, with the SDK's standard
/// retry mode and timeouts, and the moto endpoint in Sandbox mode. Credentials come from the
/// region's credential set in Vault (<see cref="IRegionCredentials"/>); with none, Sandbox signs
/// with moto's any-key and Aws mode uses the SDK default chain (shown as "not from Vault").
/// Clients are thread-safe and cached per (region, endpoint, credential set); the credential
/// objects refresh themselves, so a new key version needs no new client.
/// </summary>
public sealed class AwsClientFactory(IOptions<AwsOptions> options, IRegionCredentials? regionCredentials = null) : IDisposable
{
    public const string SandboxSource = "sandbox key (moto accepts any key)";
    public const string DefaultChainSource = "SDK default chain — not from Vault";

    // Keyed by client type too: the EC2 and SSM clients of one region are cached side by side.
    private readonly Dictionary<(Type Client, string Region, string? Endpoint, string? CredentialSet, TimeSpan? Timeout), IDisposable> _clients = new();
    private readonly Lock _lock = new();

    /// <summary>
    /// The EC2 client for a region; <paramref name="endpointOverride"/> replaces the endpoint (a region's own
    /// ServiceUrl setting). <paramref name="timeout"/> replaces Aws:TimeoutSeconds for the fleet's reads,
    /// whose pages may take longer than an action (Fleet:ReadPageTimeoutSeconds); such a client is cached apart.
    /// </summary>
    public IAmazonEC2 Ec2(string region, string? endpointOverride = null, TimeSpan? timeout = null) =>
        Cached(region, endpointOverride, () => new AmazonEC2Config(),
            (c, config) => new AmazonEC2Client(c, WithTimeout(config, timeout)), config => new AmazonEC2Client(WithTimeout(config, timeout)), timeout);

    private static AmazonEC2Config WithTimeout(AmazonEC2Config config, TimeSpan? timeout)
    {
        if (timeout is { } longer) config.Timeout = longer;
        return config;
    }

    /// <summary>The Systems Manager client for a region (Run Command on instances), made and cached like <see cref="Ec2"/>.</summary>
    public IAmazonSimpleSystemsManagement Ssm(string region, string? endpointOverride = null) =>
        Cached(region, endpointOverride, () => new AmazonSimpleSystemsManagementConfig(),
            (c, config) => new AmazonSimpleSystemsManagementClient(c, config), config => new AmazonSimpleSystemsManagementClient(config));

    /// <summary>
    /// The SQS client for a region (the EC2 event queue), made and cached like <see cref="Ec2"/> with the
    /// same credentials. Its timeout also covers the longest long poll (20 s), so a receive that waits
    /// for messages is not cut off as a slow call.
    /// </summary>
    public IAmazonSQS Sqs(string region) =>
        Cached(region, null, () => new AmazonSQSConfig(),
            (c, config) => { config.Timeout += TimeSpan.FromSeconds(MaxLongPollSeconds); return new AmazonSQSClient(c, config); },
            config => { config.Timeout += TimeSpan.FromSeconds(MaxLongPollSeconds); return new AmazonSQSClient(config); });

    /// <summary>SQS's longest ReceiveMessage wait.</summary>
    public const int MaxLongPollSeconds = 20;

    private TClient Cached<TClient, TConfig>(string region, string? endpointOverride, Func<TConfig> newConfig,
        Func<AWSCredentials, TConfig, TClient> withCredentials, Func<TConfig, TClient> withDefaultChain, TimeSpan? timeout = null)
        where TClient : class, IDisposable where TConfig : ClientConfig
    {
        var credentials = CredentialsFor(region);
        lock (_lock)
        {
            var key = (typeof(TClient), region, endpointOverride, credentials.CredentialSet, timeout);
            if (!_clients.TryGetValue(key, out var client))
            {
                client = Create(credentials.Credentials, Configure(newConfig(), region, endpointOverride), withCredentials, withDefaultChain);
                _clients[key] = client;
            }
            return (TClient)client;
        }
    }

    /// <summary>An EC2 client for <paramref name="region"/> signing with <paramref name="credentials"/> (null: the mode's default). Not cached: the caller disposes it.</summary>
    public IAmazonEC2 NewEc2(string region, AWSCredentials? credentials) =>
        Create(credentials, Configure(new AmazonEC2Config(), region, null),
            (c, config) => new AmazonEC2Client(c, config), config => new AmazonEC2Client(config));

    /// <summary>An STS client signing with <paramref name="credentials"/> (null: the region's own). Not cached: the caller disposes it.</summary>
    public IAmazonSecurityTokenService Sts(string region, AWSCredentials? credentials = null, string? endpointOverride = null) =>
        Create(credentials ?? CredentialsFor(region).Credentials, Configure(new AmazonSecurityTokenServiceConfig(), region, endpointOverride),
            (c, config) => new AmazonSecurityTokenServiceClient(c, config), config => new AmazonSecurityTokenServiceClient(config));

    /// <summary>Where the region's credentials come from, in words.</summary>
    public RegionCredentials CredentialsFor(string region) =>
        regionCredentials?.For(region) is { Credentials: not null } found
            ? found
            : new RegionCredentials(null, null, options.Value.Mode == AwsMode.Sandbox ? SandboxSource : DefaultChainSource);

    private TClient Create<TClient, TConfig>(AWSCredentials? credentials, TConfig config,
        Func<AWSCredentials, TConfig, TClient> withCredentials, Func<TConfig, TClient> withDefaultChain)
    {
        if (credentials is not null) return withCredentials(credentials, config);
        return options.Value.Mode == AwsMode.Sandbox
            ? withCredentials(new BasicAWSCredentials("test", "test"), config)
            : withDefaultChain(config);
    }

    private TConfig Configure<TConfig>(TConfig config, string region, string? endpointOverride) where TConfig : ClientConfig
    {
        var settings = options.Value;
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = settings.MaxAttempts - 1;
        config.Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var endpoint = endpointOverride ?? (settings.Mode == AwsMode.Sandbox ? settings.ServiceUrl : null);
        if (endpoint is not null)
        {
            // ServiceURL and RegionEndpoint exclude each other; the region still goes into the signature.
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return config;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var client in _clients.Values) client.Dispose();
            _clients.Clear();
        }
    }
}
