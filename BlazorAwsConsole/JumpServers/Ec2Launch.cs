using Amazon.EC2;
using Amazon.EC2.Model;

namespace BlazorAwsConsole.JumpServers;

/// <summary>Everything one RunInstances call needs; jump servers, new instances and clones all launch through it.</summary>
public sealed record LaunchSpec(
    string AmiId, string InstanceType, string SubnetId, IReadOnlyList<string> SecurityGroupIds, string? KeyName,
    string? UserDataBase64, string? IamInstanceProfile, string? RootDeviceName, int? RootVolumeSizeGb, bool EncryptRootVolume,
    bool RequireImdsv2, bool AssociatePublicIp, IReadOnlyList<Tag> Tags, string ClientToken);

public static class Ec2Launch
{
    public static RunInstancesRequest Request(LaunchSpec spec)
    {
        var network = new InstanceNetworkInterfaceSpecification
        {
            DeviceIndex = 0,
            SubnetId = spec.SubnetId,
            AssociatePublicIpAddress = spec.AssociatePublicIp,
            DeleteOnTermination = true,
        };
        // No group named: EC2 puts the instance in its VPC's default group.
        if (spec.SecurityGroupIds.Count > 0) network.Groups = [.. spec.SecurityGroupIds];
        var request = new RunInstancesRequest
        {
            ImageId = spec.AmiId,
            InstanceType = InstanceType.FindValue(spec.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            ClientToken = spec.ClientToken,
            KeyName = spec.KeyName,
            UserData = spec.UserDataBase64,
            MetadataOptions = new InstanceMetadataOptionsRequest
            {
                HttpEndpoint = InstanceMetadataEndpointState.Enabled,
                HttpTokens = spec.RequireImdsv2 ? HttpTokensState.Required : HttpTokensState.Optional,
            },
            NetworkInterfaces = [network],
            TagSpecifications =
            [
                new TagSpecification { ResourceType = ResourceType.Instance, Tags = [.. spec.Tags] },
                new TagSpecification { ResourceType = ResourceType.Volume, Tags = [.. spec.Tags] },
            ],
        };
        if (spec.RootVolumeSizeGb is { } size)
        {
            request.BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = spec.RootDeviceName ?? "/dev/xvda",
                    Ebs = new EbsBlockDevice { VolumeSize = size, Encrypted = spec.EncryptRootVolume, DeleteOnTermination = true, VolumeType = VolumeType.Gp3 },
                },
            ];
        }
        if (spec.IamInstanceProfile is { Length: > 0 } profile)
        {
            request.IamInstanceProfile = profile.StartsWith("arn:", StringComparison.Ordinal)
                ? new IamInstanceProfileSpecification { Arn = profile }
                : new IamInstanceProfileSpecification { Name = profile };
        }
        return request;
    }
}
