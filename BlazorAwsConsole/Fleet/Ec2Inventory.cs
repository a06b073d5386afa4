using System.Diagnostics;
using Amazon.EC2.Model;
using BlazorAwsConsole.Infrastructure;
using Ec2Instance = Amazon.EC2.Model.Instance;

namespace BlazorAwsConsole.Fleet;

/// <summary>Reads one region's instances from EC2 (paginated DescribeInstances).</summary>
public sealed class Ec2Inventory(AwsClientFactory aws)
{
    /// <summary>
    /// Reads the region's instances into <paramref name="read"/> page by page, each page with its own
    /// deadline (<see cref="ReadPacing.PageDeadline"/>); a page that misses it is asked again, from the same
    /// NextToken, at a smaller MaxResults. <paramref name="onPage"/> is told after every page. When this
    /// throws, <paramref name="read"/> holds the pages read so far and <see cref="RegionRead.Complete"/> is false.
    /// </summary>
    public async Task ListAsync(WatchedRegion region, RegionRead read, ReadPacing pacing, Action<RegionRead>? onPage, CancellationToken cancellationToken)
    {
        var client = ReadClient(region, pacing);
        string? token = null;
        do
        {
            var next = token;
            var page = await PageAsync(read, pacing, onPage, shrink: true,
                (size, deadline) => client.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = size, NextToken = next }, deadline), cancellationToken);
            foreach (var reservation in page.Reservations ?? [])
            {
                foreach (var instance in reservation.Instances ?? [])
                {
                    read.Instances.Add(ToInstance(instance, region.Code));
                }
            }
            read.Pages++;
            token = page.NextToken;
            onPage?.Invoke(read);
        }
        while (!string.IsNullOrEmpty(token));
        read.Complete = true;
    }

    /// <summary><see cref="StatusAsync(WatchedRegion, CancellationToken)"/> with the fleet read's page deadline (one try per page).</summary>
    public async Task<Dictionary<string, (StatusChecks Checks, List<ScheduledEvent> Events)>> StatusAsync(WatchedRegion region, RegionRead read, ReadPacing pacing,
        Action<RegionRead>? onPage, CancellationToken cancellationToken)
    {
        var client = ReadClient(region, pacing);
        var found = new Dictionary<string, (StatusChecks, List<ScheduledEvent>)>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var next = token;
            // One try per page: the checks are worth less than the inventory, so a slow page gives them up
            // for this poll rather than spend several deadlines before the instances are read.
            var page = await PageAsync(read, pacing, onPage, shrink: false, (size, deadline) => client.DescribeInstanceStatusAsync(
                new DescribeInstanceStatusRequest { IncludeAllInstances = true, MaxResults = size, NextToken = next }, deadline), cancellationToken);
            foreach (var status in page.InstanceStatuses ?? [])
            {
                if (status.InstanceId is { } id) found[id] = ToHealth(status);
            }
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return found;
    }

    // The SDK's own timeout sits a little past the page deadline, so the deadline (which is not retried
    // by the SDK and lets the page be asked again smaller) is what ends a slow page.
    private Amazon.EC2.IAmazonEC2 ReadClient(WatchedRegion region, ReadPacing pacing) =>
        aws.Ec2(region.Code, region.ServiceUrl, pacing.PageDeadline + TimeSpan.FromSeconds(5));

    private static async Task<T> PageAsync<T>(RegionRead read, ReadPacing pacing, Action<RegionRead>? onPage, bool shrink,
        Func<int, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(pacing.PageDeadline);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var page = await call(read.PageSize, deadline.Token);
                var took = Stopwatch.GetElapsedTime(started);
                if (took > read.SlowestPage) read.SlowestPage = took;
                return page;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (deadline.IsCancellationRequested || ex is TimeoutException))
            {
                read.Timeouts++;
                read.SlowestPage = pacing.PageDeadline;
                if (!shrink || pacing.Smaller(read.PageSize) is not { } smaller)
                {
                    throw new TimeoutException($"A page of {read.PageSize} took longer than {pacing.PageDeadline.TotalSeconds:0} s", ex);
                }
                read.PageSizeChanges.Add($"{read.PageSize}→{smaller}");
                read.PageSize = smaller;
                onPage?.Invoke(read);
            }
        }
    }

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
    /// Several instances in one DescribeInstances call (an EC2 event may name many), by id. They are asked
    /// with an "instance-id" filter, not InstanceIds: an id EC2 does not know is then left out of the answer
    /// instead of failing the whole call with InvalidInstanceID.NotFound. EC2 takes up to 200 values per filter.
    /// </summary>
    public async Task<Dictionary<string, Instance>> DescribeAsync(WatchedRegion region, IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        var client = aws.Ec2(region.Code, region.ServiceUrl);
        var found = new Dictionary<string, Instance>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await client.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters = [new Filter("instance-id", [.. instanceIds])],
                NextToken = token,
            }, cancellationToken);
            foreach (var instance in (page.Reservations ?? []).SelectMany(r => r.Instances ?? []))
            {
                found[instance.InstanceId] = ToInstance(instance, region.Code);
            }
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return found;
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
            ImpairedSince = new (string Name, DateTime? Since)[]
                {
                    ("system", status.SystemStatus?.Details?.Min(d => d.ImpairedSince)),
                    ("instance", status.Status?.Details?.Min(d => d.ImpairedSince)),
                    ("ebs", status.AttachedEbsStatus?.Details?.Min(d => d.ImpairedSince)),
                }
                .Where(c => c.Since is not null).ToDictionary(c => c.Name, c => c.Since!.Value.ToUniversalTime()),
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
