using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.JumpServers;

/// <summary>Valid template bodies built from what moto really has in a region (an AMI, a subnet, a key pair).</summary>
public static class Templates
{
    public const string KeyName = "jump-key";

    public static async Task<JsonObject> ValidAsync(MotoFixture moto, string region, string name)
    {
        var ec2 = moto.Ec2(region);
        var subnet = await DefaultSubnetAsync(ec2);
        await EnsureKeyAsync(ec2);
        return new JsonObject
        {
            ["name"] = name,
            ["description"] = "bastion for tests",
            ["region"] = region,
            ["amiId"] = await AmiAsync(ec2),
            ["instanceType"] = "t3.micro",
            ["subnetId"] = subnet.SubnetId,
            ["keyName"] = KeyName,
            ["securityGroupRules"] = new JsonArray(
                new JsonObject { ["protocol"] = "tcp", ["fromPort"] = 22, ["toPort"] = 22, ["cidr"] = "10.0.0.0/8", ["description"] = "office" },
                new JsonObject { ["protocol"] = "tcp", ["fromPort"] = 443, ["toPort"] = 443, ["cidr"] = "2001:db8::/32", ["description"] = "v6 https" }),
            ["userData"] = "#!/bin/bash\necho hello > /tmp/hello\n",
            ["rootVolumeSizeGb"] = 12,
            ["encryptRootVolume"] = true,
            ["requireImdsv2"] = true,
            ["associatePublicIp"] = true,
            ["tags"] = new JsonObject { ["team"] = "noc" },
            ["ttlMinutes"] = 30,
            ["ttlAction"] = "stop",
        };
    }

    public static async Task<JsonElement> CreateAsync(ConsoleHost console, JsonObject body)
    {
        var response = await console.Http.PostAsJsonAsync("/api/templates", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.IsSuccessStatusCode.Should().BeTrue(json.ToString());
        return json;
    }

    public static async Task<string> AmiAsync(IAmazonEC2 ec2)
    {
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] });
        return images.Images.Where(i => i.Architecture == ArchitectureValues.X86_64).OrderBy(i => i.ImageId, StringComparer.Ordinal).First().ImageId;
    }

    public static async Task<Subnet> DefaultSubnetAsync(IAmazonEC2 ec2)
    {
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("default-for-az", ["true"])] });
        return subnets.Subnets.OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).First();
    }

    private static async Task EnsureKeyAsync(IAmazonEC2 ec2)
    {
        var keys = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest());
        if (!(keys.KeyPairs ?? []).Any(k => k.KeyName == KeyName)) await ec2.CreateKeyPairAsync(new CreateKeyPairRequest { KeyName = KeyName });
    }
}
