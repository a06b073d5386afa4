using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;
using Filter = Amazon.EC2.Model.Filter;

namespace BlazorAwsConsole.Tests.JumpServers;

/// <summary>POST /api/instances and POST /api/instances/{id}/clone against moto, read back from EC2.</summary>
public sealed class LaunchAndCloneInstanceTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private const string Region = "us-west-2";
    private ConsoleHost _console = null!;
    private IAmazonEC2 Ec2 => moto.Ec2(Region);

    public async Task InitializeAsync() => _console = await ConsoleHost.StartAsync(moto);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task A_clone_matches_its_source_in_every_copied_field_and_is_named_with_a_clone_suffix()
    {
        var sourceId = await SourceInstanceAsync("billing-worker");
        await _console.SyncAsync();

        var response = await _console.Http.PostAsync($"/api/instances/{sourceId}/clone", null);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var cloneId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        cloneId.Should().NotBe(sourceId);
        var source = await DescribeAsync(sourceId);
        var clone = await DescribeAsync(cloneId);
        clone.ImageId.Should().Be(source.ImageId);
        clone.InstanceType.Should().Be(source.InstanceType);
        clone.SubnetId.Should().Be(source.SubnetId);
        clone.KeyName.Should().Be(source.KeyName).And.Be(Templates.KeyName);
        Groups(clone).Should().BeEquivalentTo(Groups(source));
        clone.MetadataOptions.HttpTokens.Should().Be(HttpTokensState.Required);
        Tags(clone).Should().BeEquivalentTo(new Dictionary<string, string> { ["Name"] = "billing-worker-clone", ["env"] = "prod", ["team"] = "billing" });
        (await UserDataAsync(cloneId)).Should().Be("#!/bin/bash\necho worker\n").And.Be(await UserDataAsync(sourceId));
        var (size, encrypted) = await RootVolumeAsync(cloneId);
        (size, encrypted).Should().Be((10, true));

        _console.Get<FleetSnapshot>().Find(cloneId)!.Name.Should().Be("billing-worker-clone");
        var log = await _console.Get<FleetQueries>().ChangesAsync(new ChangeFilter(cloneId), 0, 10, CancellationToken.None);
        log.Should().Contain(c => c.Kind == ChangeKind.Cloned && c.NewValue == $"clone of {sourceId}" && c.ChangedBy!.StartsWith("apikey:test-Admin"));
    }

    [Fact]
    public async Task A_clone_can_be_given_its_own_name()
    {
        var sourceId = await SourceInstanceAsync("named-source");
        await _console.SyncAsync();

        var response = await _console.Http.PostAsJsonAsync($"/api/instances/{sourceId}/clone", new { name = "renamed-copy" });

        var cloneId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        Tags(await DescribeAsync(cloneId))["Name"].Should().Be("renamed-copy");
    }

    [Fact]
    public async Task A_jump_server_is_not_cloned_and_unknown_or_malformed_ids_are_refused()
    {
        var jump = await Ec2Fleet.LaunchAsync(Ec2, "a-jump-server", ("Role", "jump-server"), ("ExpiresAt", "2099-01-01T00:00:00Z"));
        await _console.SyncAsync();

        var refused = await _console.Http.PostAsync($"/api/instances/{jump}/clone", null);
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("from its template");

        (await _console.Http.PostAsync("/api/instances/i-0123456789abcdef0/clone", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _console.Http.PostAsync("/api/instances/bogus/clone", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Launching_a_new_instance_sends_every_field_to_EC2_and_shows_it_in_the_fleet()
    {
        var subnet = await Templates.DefaultSubnetAsync(Ec2);
        var group = await GroupAsync(subnet.VpcId, "launch-test");
        var body = new
        {
            name = "fresh-api",
            region = Region,
            amiId = await Templates.AmiAsync(Ec2),
            instanceType = "t3.small",
            subnetId = subnet.SubnetId,
            keyName = await KeyAsync(),
            securityGroupIds = new[] { group },
            userData = "#cloud-config\npackages: [htop]\n",
            rootVolumeSizeGb = 20,
            encryptRootVolume = true,
            requireImdsv2 = true,
            associatePublicIp = false,
            tags = new Dictionary<string, string> { ["env"] = "dev" },
        };

        var response = await _console.Http.PostAsJsonAsync("/api/instances", body);

        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(HttpStatusCode.Created, json.ToString());
        var id = json.GetProperty("instanceId").GetString()!;
        var instance = await DescribeAsync(id);
        instance.InstanceType.Value.Should().Be("t3.small");
        instance.SubnetId.Should().Be(subnet.SubnetId);
        Groups(instance).Should().Equal(group);
        Tags(instance).Should().BeEquivalentTo(new Dictionary<string, string> { ["Name"] = "fresh-api", ["env"] = "dev" });
        (await UserDataAsync(id)).Should().Be("#cloud-config\npackages: [htop]\n");
        (await RootVolumeAsync(id)).Should().Be((20, true));
        _console.Get<FleetSnapshot>().Find(id)!.State.Should().Be("running");
    }

    [Fact]
    public async Task A_launch_with_bad_fields_is_a_400_naming_them_and_launches_nothing()
    {
        var before = (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations?.Count ?? 0;
        var body = new
        {
            region = Region,
            amiId = "ami-0123456789abcdef0",
            instanceType = "t3.micro",
            subnetId = (await Templates.DefaultSubnetAsync(Ec2)).SubnetId,
            securityGroupIds = new[] { "sg-0123456789abcdef0" },
            tags = new Dictionary<string, string> { ["ExpiresAt"] = "never" },
        };

        var response = await _console.Http.PostAsJsonAsync("/api/instances", body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["amiId", "securityGroupIds", "tags"]);
        ((await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations?.Count ?? 0).Should().Be(before);
    }

    [Theory]
    [InlineData("{\"securityGroupIds\": null, \"tags\": null}")]
    [InlineData("{\"securityGroupIds\": [null]}")]
    [InlineData("not json")]
    [InlineData("null")]
    public async Task A_malformed_launch_body_is_a_400_not_a_500(string json)
    {
        var response = await _console.Http.PostAsync("/api/instances", new StringContent(json, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    private async Task<string> SourceInstanceAsync(string name)
    {
        var subnet = await Templates.DefaultSubnetAsync(Ec2);
        var group = await GroupAsync(subnet.VpcId, name + "-sg");
        var images = await Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [await Templates.AmiAsync(Ec2)] });
        var response = await Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = images.Images[0].ImageId,
            InstanceType = InstanceType.M5Large,
            MinCount = 1,
            MaxCount = 1,
            KeyName = await KeyAsync(),
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes("#!/bin/bash\necho worker\n")),
            MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required },
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = images.Images[0].RootDeviceName, Ebs = new EbsBlockDevice { VolumeSize = 10, Encrypted = true } }],
            NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { DeviceIndex = 0, SubnetId = subnet.SubnetId, Groups = [group] }],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("Name", name), new Tag("env", "prod"), new Tag("team", "billing")] }],
        });
        return response.Reservation.Instances[0].InstanceId;
    }

    private async Task<string> KeyAsync()
    {
        var keys = await Ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest());
        if (!(keys.KeyPairs ?? []).Any(k => k.KeyName == Templates.KeyName)) await Ec2.CreateKeyPairAsync(new CreateKeyPairRequest { KeyName = Templates.KeyName });
        return Templates.KeyName;
    }

    private async Task<string> GroupAsync(string vpcId, string name) =>
        (await Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = name + Guid.NewGuid().ToString("n")[..6], Description = "test", VpcId = vpcId })).GroupId;

    private async Task<Amazon.EC2.Model.Instance> DescribeAsync(string id) =>
        (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [id] })).Reservations[0].Instances[0];

    private async Task<string> UserDataAsync(string id)
    {
        var attribute = await Ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = id, Attribute = InstanceAttributeName.UserData });
        return Encoding.UTF8.GetString(Convert.FromBase64String(attribute.InstanceAttribute.UserData));
    }

    private async Task<(int? Size, bool? Encrypted)> RootVolumeAsync(string id)
    {
        var volume = (await Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("attachment.instance-id", [id])] })).Volumes.Single();
        return (volume.Size, volume.Encrypted);
    }

    private static List<string> Groups(Amazon.EC2.Model.Instance instance) =>
        (instance.SecurityGroups ?? []).Concat(instance.NetworkInterfaces.SelectMany(n => n.Groups)).Select(g => g.GroupId).Distinct().ToList();

    private static Dictionary<string, string> Tags(Amazon.EC2.Model.Instance instance) => instance.Tags.ToDictionary(t => t.Key, t => t.Value);
}
