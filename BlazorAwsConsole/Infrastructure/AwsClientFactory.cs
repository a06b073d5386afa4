using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// The one place AWS clients are made (DESIGN.md): a client per region, with the SDK's standard
/// retry mode and timeouts, and the moto endpoint in Sandbox mode. Clients are thread-safe and
/// cached per (region, endpoint).
/// </summary>
public sealed class AwsClientFactory(IOptions<AwsOptions> options) : IDisposable
{
    private readonly Dictionary<(string Region, string? Endpoint), AmazonEC2Client> _clients = new();
    private readonly Lock _lock = new();

    /// <summary>The EC2 client for a region; <paramref name="endpointOverride"/> replaces the endpoint (a region's own ServiceUrl setting).</summary>
    public IAmazonEC2 Ec2(string region, string? endpointOverride = null)
    {
        lock (_lock)
        {
            var key = (region, endpointOverride);
            if (!_clients.TryGetValue(key, out var client))
            {
                var config = Ec2Config(region, endpointOverride);
                // Sandbox: moto accepts any key. Aws: the SDK's default chain until the Vault provider
                // lands (issue 4); the UI will mark such credentials as "not from Vault".
                client = options.Value.Mode == AwsMode.Sandbox
                    ? new AmazonEC2Client(new BasicAWSCredentials("test", "test"), config)
                    : new AmazonEC2Client(config);
                _clients[key] = client;
            }
            return client;
        }
    }

    private AmazonEC2Config Ec2Config(string region, string? endpointOverride)
    {
        var settings = options.Value;
        var config = new AmazonEC2Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = settings.MaxAttempts - 1,
            Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        };
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
