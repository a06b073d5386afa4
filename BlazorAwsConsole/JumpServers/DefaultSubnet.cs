using Amazon.EC2;
using Amazon.EC2.Model;

namespace BlazorAwsConsole.JumpServers;

/// <summary>
/// The subnet EC2's console launches into when none is chosen: the default subnet of the region's
/// default VPC in the chosen availability zone (or, with none chosen, the first by zone name).
/// </summary>
public static class DefaultSubnet
{
    /// <summary>The default subnet's id, or why there is none (as a message for the subnet field).</summary>
    public static async Task<(string? SubnetId, string? Problem)> FindAsync(IAmazonEC2 ec2, string region, string? availabilityZone,
        CancellationToken cancellationToken)
    {
        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] }, cancellationToken);
        if (vpcs.Vpcs is not [var vpc, ..])
        {
            return (null, $"subnetId is required: {region} has no default VPC to take a default subnet from. Choose a subnet.");
        }
        var filters = new List<Filter> { new("vpc-id", [vpc.VpcId]), new("default-for-az", ["true"]) };
        if (!string.IsNullOrEmpty(availabilityZone)) filters.Add(new Filter("availability-zone", [availabilityZone]));
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = filters }, cancellationToken);
        var subnet = (subnets.Subnets ?? []).OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).FirstOrDefault();
        if (subnet is not null) return (subnet.SubnetId, null);
        return (null, string.IsNullOrEmpty(availabilityZone)
            ? $"subnetId is required: the default VPC {vpc.VpcId} of {region} has no default subnet. Choose a subnet."
            : $"subnetId is required: the default VPC {vpc.VpcId} of {region} has no default subnet in {availabilityZone}. Choose a subnet or another availability zone.");
    }
}
