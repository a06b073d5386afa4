using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Sandbox;

/// <summary>
/// Seeds a demo fleet into moto, once per moto server: a region that already holds instances tagged
/// demo-fleet is left alone, so restarting the console does not add more. (moto keeps its state in
/// memory, so a fresh moto gets a fresh demo fleet, and the console logs the old one as gone.)
/// At start-up it runs after the migrations, under the start-up lock: nodes of one database that start together
/// seed one after another, and the later ones find the first one's instances (moto offers nothing atomic to claim
/// a region with, so nodes sharing a moto must share the database too, as a Sandbox cluster does).
/// </summary>
public sealed class DemoFleetSeeder(AwsClientFactory aws, StartupLock startupLock, IOptions<AwsOptions> awsOptions, IOptions<FleetOptions> fleet,
    IOptions<SandboxOptions> sandbox, ILogger<DemoFleetSeeder> logger) : IHostedService
{
    public const string MarkerTag = "demo-fleet";
    private const int Regions = 4;

    private static readonly string[] Roles = ["web", "api", "worker", "db", "cache", "batch"];
    private static readonly string[] Environments = ["prod", "staging", "dev"];
    private static readonly string[] Teams = ["platform", "payments", "search", "data"];
    private static readonly string[] Types = ["t3.micro", "t3.small", "m5.large", "c5.xlarge"];

    public Task StartAsync(CancellationToken cancellationToken) =>
        awsOptions.Value.Mode != AwsMode.Sandbox || !sandbox.Value.SeedDemoFleet ? Task.CompletedTask : startupLock.RunAsync(SeedAsync, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        var created = 0;
        foreach (var region in fleet.Value.Regions.Where(r => r.Enabled).Take(Regions))
        {
            created += await SeedRegionAsync(aws.Ec2(region.Code, region.ServiceUrl), region.Code, cancellationToken);
        }
        if (created > 0) logger.LogInformation("Seeded a demo fleet of {Count} instances", created);
        return created;
    }

    private async Task<int> SeedRegionAsync(IAmazonEC2 ec2, string region, CancellationToken cancellationToken)
    {
        var existing = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("tag-key", [MarkerTag])],
        }, cancellationToken);
        if ((existing.Reservations ?? []).Count > 0) return 0;

        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] }, cancellationToken);
        var imageId = (images.Images ?? []).Select(i => i.ImageId).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException($"moto offers no AMI in {region}");

        var toStop = new List<string>();
        var count = sandbox.Value.DemoInstancesPerRegion;
        for (var n = 0; n < count; n++)
        {
            var role = Roles[n % Roles.Length];
            var environment = Environments[n % Environments.Length];
            var tags = new List<Tag>
            {
                new("Name", $"{role}-{environment}-{region}-{n + 1:00}"),
                new("env", environment),
                new("team", Teams[n % Teams.Length]),
                new(MarkerTag, "true"),
            };
            var response = await ec2.RunInstancesAsync(new RunInstancesRequest
            {
                ImageId = imageId,
                InstanceType = InstanceType.FindValue(Types[n % Types.Length]),
                MinCount = 1,
                MaxCount = 1,
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags }],
            }, cancellationToken);
            // Every fourth instance is stopped, so the demo shows more than one state.
            if (n % 4 == 3) toStop.Add(response.Reservation.Instances[0].InstanceId);
        }
        if (toStop.Count > 0)
        {
            await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = toStop }, cancellationToken);
        }
        return count;
    }
}
