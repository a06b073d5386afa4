using System.Net;
using System.Net.Sockets;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Benchmarks;

/// <summary>
/// A moto server of the benchmark's own on a free loopback port, holding the benchmark fleet.
/// It reuses the console's <see cref="MotoServer"/> (the same start-up and kill as Sandbox mode);
/// disposing it kills moto.
/// </summary>
internal sealed class MotoFleet : IDisposable
{
    private readonly MotoServer _server;

    private MotoFleet(string serviceUrl, MotoServer server)
    {
        ServiceUrl = serviceUrl;
        _server = server;
    }

    public string ServiceUrl { get; }

    public static async Task<MotoFleet> StartAsync(CancellationToken cancellationToken)
    {
        var serviceUrl = $"http://127.0.0.1:{FreeLoopbackPort()}";
        var server = new MotoServer(
            Options.Create(new AwsOptions { ServiceUrl = serviceUrl }),
            Options.Create(new SandboxOptions { StartMoto = true }),
            NullLogger<MotoServer>.Instance);
        var fleet = new MotoFleet(serviceUrl, server);
        try
        {
            if (await server.EnsureRunningAsync(cancellationToken) is { } problem) throw new InvalidOperationException(problem);
            return fleet;
        }
        catch
        {
            fleet.Dispose();
            throw;
        }
    }

    /// <summary>An EC2 client for moto, configured as the console's AwsClientFactory configures its own.</summary>
    public AmazonEC2Client Client(string region) => new(new BasicAWSCredentials("test", "test"), new AmazonEC2Config
    {
        ServiceURL = ServiceUrl,
        AuthenticationRegion = region,
        RetryMode = RequestRetryMode.Standard,
        // Seeding 2,500 instances in one call takes over a minute on a loaded machine (the slowsync mode).
        Timeout = TimeSpan.FromSeconds(300),
    });

    /// <summary>
    /// Makes <paramref name="perRegion"/> running instances in each region with one RunInstances call
    /// (moto makes MinCount instances and ignores MaxCount), tagged like a real fleet; with
    /// <paramref name="perLaunch"/>, in launches (reservations) of that many, as a fleet launched over time is.
    /// </summary>
    public async Task SeedAsync(IReadOnlyList<string> regions, int perRegion, CancellationToken cancellationToken, int? perLaunch = null)
    {
        foreach (var region in regions)
        {
            using var ec2 = Client(region);
            // Any AMI moto offers in the region: the benchmark measures listing, not what runs.
            var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] }, cancellationToken);
            var imageId = (images.Images ?? []).Select(i => i.ImageId).Order(StringComparer.Ordinal).FirstOrDefault()
                ?? throw new InvalidOperationException($"moto offers no AMI in {region}");
            for (var made = 0; made < perRegion;)
            {
                var count = Math.Min(perLaunch ?? perRegion, perRegion - made);
                made += count;
                await ec2.RunInstancesAsync(new RunInstancesRequest
                {
                    ImageId = imageId,
                    InstanceType = InstanceType.T3Micro,
                    MinCount = count,
                    MaxCount = count,
                    TagSpecifications =
                    [
                        new TagSpecification
                        {
                            ResourceType = ResourceType.Instance,
                            Tags = [new("Name", $"bench-{region}"), new("env", "bench"), new("team", "platform")],
                        },
                    ],
                }, cancellationToken);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _server.Dispose();
}
