using Amazon.EC2;
using Amazon.EC2.Model;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>Makes and changes instances directly in moto, behind the console's back.</summary>
public static class Ec2Fleet
{
    public static async Task<string> LaunchAsync(IAmazonEC2 ec2, string name, params (string Key, string Value)[] tags) =>
        (await LaunchManyAsync(ec2, 1, name, tags))[0];

    /// <summary><paramref name="count"/> instances of one name in one RunInstances call (moto makes MinCount of them).</summary>
    public static async Task<List<string>> LaunchManyAsync(IAmazonEC2 ec2, int count, string name, params (string Key, string Value)[] tags)
    {
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] });
        var response = await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = images.Images.OrderBy(i => i.ImageId, StringComparer.Ordinal).First().ImageId,
            InstanceType = InstanceType.T3Micro,
            MinCount = count,
            MaxCount = count,
            TagSpecifications =
            [
                new TagSpecification
                {
                    ResourceType = ResourceType.Instance,
                    Tags = [new Tag("Name", name), .. tags.Select(t => new Tag(t.Key, t.Value))],
                },
            ],
        });
        return response.Reservation.Instances.Select(i => i.InstanceId).ToList();
    }

    public static Task TagAsync(IAmazonEC2 ec2, string instanceId, string key, string value) =>
        ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [instanceId], Tags = [new Tag(key, value)] });

    public static Task StopAsync(IAmazonEC2 ec2, string instanceId) =>
        ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instanceId] });

    public static async Task<string> StateAsync(IAmazonEC2 ec2, string instanceId)
    {
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] });
        return response.Reservations[0].Instances[0].State.Name.Value;
    }
}
