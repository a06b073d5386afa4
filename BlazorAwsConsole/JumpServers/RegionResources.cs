using Amazon.EC2.Model;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.JumpServers;

public sealed record SubnetChoice(string SubnetId, string VpcId, string AvailabilityZone, string CidrBlock, string Name);

/// <summary>What the template and launch dialogs offer to pick from in a region: subnets, key pairs, security groups.</summary>
public sealed class RegionResources(AwsClientFactory aws, IDbContextFactory<ConsoleDbContext> contexts)
{
    public async Task<List<SubnetChoice>> SubnetsAsync(string regionCode, CancellationToken cancellationToken)
    {
        var ec2 = await ClientAsync(regionCode, cancellationToken);
        if (ec2 is null) return [];
        var response = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest(), cancellationToken);
        return (response.Subnets ?? [])
            .Select(s => new SubnetChoice(s.SubnetId, s.VpcId, s.AvailabilityZone, s.CidrBlock,
                s.Tags?.FirstOrDefault(t => t.Key == "Name")?.Value ?? ""))
            .OrderBy(s => s.VpcId, StringComparer.Ordinal).ThenBy(s => s.AvailabilityZone, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<List<string>> KeyPairsAsync(string regionCode, CancellationToken cancellationToken)
    {
        var ec2 = await ClientAsync(regionCode, cancellationToken);
        if (ec2 is null) return [];
        var response = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest(), cancellationToken);
        return (response.KeyPairs ?? []).Select(k => k.KeyName).Order(StringComparer.Ordinal).ToList();
    }

    public async Task<List<(string GroupId, string Name, string VpcId)>> SecurityGroupsAsync(string regionCode, CancellationToken cancellationToken)
    {
        var ec2 = await ClientAsync(regionCode, cancellationToken);
        if (ec2 is null) return [];
        var response = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest(), cancellationToken);
        return (response.SecurityGroups ?? []).Select(g => (g.GroupId, g.GroupName, g.VpcId))
            .OrderBy(g => g.GroupName, StringComparer.Ordinal).ToList();
    }

    private async Task<Amazon.EC2.IAmazonEC2?> ClientAsync(string regionCode, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var region = await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == regionCode && r.Enabled, cancellationToken);
        return region is null ? null : aws.Ec2(region.Code, region.ServiceUrl);
    }
}
