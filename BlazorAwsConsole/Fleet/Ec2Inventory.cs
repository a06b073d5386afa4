using Amazon.EC2.Model;
using BlazorAwsConsole.Infrastructure;
using Ec2Instance = Amazon.EC2.Model.Instance;

namespace BlazorAwsConsole.Fleet;

/// <summary>Reads one region's instances from EC2 (paginated DescribeInstances).</summary>
public sealed class Ec2Inventory(AwsClientFactory aws)
{
    public async Task<List<Instance>> ListAsync(WatchedRegion region, CancellationToken cancellationToken)
    {
        var client = aws.Ec2(region.Code, region.ServiceUrl);
        var found = new List<Instance>();
        var pages = client.Paginators.DescribeInstances(new DescribeInstancesRequest { MaxResults = 1000 });
        await foreach (var page in pages.Responses.WithCancellation(cancellationToken))
        {
            foreach (var reservation in page.Reservations ?? [])
            {
                foreach (var instance in reservation.Instances ?? [])
                {
                    found.Add(ToInstance(instance, region.Code));
                }
            }
        }
        return found;
    }

    public async Task<Instance?> DescribeAsync(WatchedRegion region, string instanceId, CancellationToken cancellationToken)
    {
        var client = aws.Ec2(region.Code, region.ServiceUrl);
        var response = await client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
        var instance = (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault();
        return instance is null ? null : ToInstance(instance, region.Code);
    }

    /// <summary>
    /// Status checks and scheduled events of every instance of the region (DescribeInstanceStatus with
    /// IncludeAllInstances, paginated), by instance id.
    /// </summary>
    public async Task<Dictionary<string, (StatusChecks Checks, List<ScheduledEvent> Events)>> StatusAsync(WatchedRegion region, CancellationToken cancellationToken)
    {
        var client = aws.Ec2(region.Code, region.ServiceUrl);
        var found = new Dictionary<string, (StatusChecks, List<ScheduledEvent>)>(StringComparer.Ordinal);
        var pages = client.Paginators.DescribeInstanceStatus(new DescribeInstanceStatusRequest { IncludeAllInstances = true, MaxResults = 1000 });
        await foreach (var page in pages.Responses.WithCancellation(cancellationToken))
        {
            foreach (var status in page.InstanceStatuses ?? [])
            {
                if (status.InstanceId is { } id) found[id] = ToHealth(status);
            }
        }
        return found;
    }

    internal static (StatusChecks Checks, List<ScheduledEvent> Events) ToHealth(InstanceStatus status) => (
        new StatusChecks
        {
            System = status.SystemStatus?.Status?.Value ?? StatusChecks.NotApplicable,
            Instance = status.Status?.Status?.Value ?? StatusChecks.NotApplicable,
            Ebs = status.AttachedEbsStatus?.Status?.Value ?? StatusChecks.NotApplicable,
        },
        (status.Events ?? [])
            // EC2 keeps finished events in the list for a while, marked in their description.
            .Where(e => e.Description is null || !(e.Description.StartsWith("[Completed]", StringComparison.Ordinal) || e.Description.StartsWith("[Canceled]", StringComparison.Ordinal)))
            .Select(e => new ScheduledEvent
            {
                Code = e.Code?.Value ?? "",
                Description = e.Description ?? "",
                NotBefore = e.NotBefore?.ToUniversalTime(),
                NotAfter = e.NotAfter?.ToUniversalTime(),
            })
            .OrderBy(e => e.NotBefore).ToList());

    /// <summary>EC2's tag list as a map (a repeated key keeps its last value; a missing value is "").</summary>
    public static Dictionary<string, string> TagsOf(IEnumerable<Tag>? tags) => (tags ?? []).Where(t => t.Key is not null)
        .GroupBy(t => t.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last().Value ?? "", StringComparer.Ordinal);

    internal static Instance ToInstance(Ec2Instance source, string region)
    {
        var tags = TagsOf(source.Tags);
        return new Instance
        {
            InstanceId = source.InstanceId,
            Region = region,
            Name = tags.GetValueOrDefault("Name", ""),
            AvailabilityZone = source.Placement?.AvailabilityZone ?? "",
            State = source.State?.Name?.Value ?? "unknown",
            InstanceType = source.InstanceType?.Value ?? "",
            Platform = source.PlatformDetails ?? source.Platform?.Value ?? "Linux/UNIX",
            ImageId = source.ImageId ?? "",
            VpcId = NullIfEmpty(source.VpcId),
            SubnetId = NullIfEmpty(source.SubnetId),
            PrivateIp = NullIfEmpty(source.PrivateIpAddress),
            PublicIp = NullIfEmpty(source.PublicIpAddress),
            PrivateDns = NullIfEmpty(source.PrivateDnsName),
            PublicDns = NullIfEmpty(source.PublicDnsName),
            KeyName = NullIfEmpty(source.KeyName),
            SecurityGroups = (source.SecurityGroups ?? []).Select(g => g.GroupId).Where(id => id is not null).ToList(),
            Tags = tags,
            LaunchTime = source.LaunchTime?.ToUniversalTime(),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
