using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;
using Filter = Amazon.EC2.Model.Filter;

namespace BlazorAwsConsole.Tests.JumpServers;

/// <summary>Launching jump servers into moto and reading back what EC2 holds.</summary>
public sealed class LaunchTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private const string Region = "us-east-1";
    private ConsoleHost _console = null!;
    private IAmazonEC2 Ec2 => moto.Ec2(Region);

    public async Task InitializeAsync() => _console = await ConsoleHost.StartAsync(moto);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task A_launched_jump_server_has_every_template_setting_in_EC2_and_shows_in_the_fleet_at_once()
    {
        var body = await Templates.ValidAsync(moto, Region, "full-launch");
        var template = await Templates.CreateAsync(_console, body);
        var id = template.GetProperty("id").GetInt32();

        var (instanceId, operationId) = await LaunchAsync(id);

        var instance = await DescribeAsync(instanceId);
        instance.ImageId.Should().Be(body["amiId"]!.GetValue<string>());
        instance.InstanceType.Value.Should().Be("t3.micro");
        instance.SubnetId.Should().Be(body["subnetId"]!.GetValue<string>());
        instance.KeyName.Should().Be(Templates.KeyName);
        instance.MetadataOptions.HttpTokens.Value.Should().Be("required");
        instance.PublicIpAddress.Should().NotBeNullOrEmpty();
        var tags = instance.Tags.ToDictionary(t => t.Key, t => t.Value);
        tags["Role"].Should().Be("jump-server");
        tags["Template"].Should().Be("full-launch");
        tags["TemplateId"].Should().Be(id.ToString());
        tags["TemplateVersion"].Should().Be("1");
        tags["LaunchedBy"].Should().StartWith("apikey:test-Admin");
        tags["team"].Should().Be("noc");
        tags["Name"].Should().StartWith("full-launch-");
        var expires = DateTime.Parse(tags["ExpiresAt"], null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        expires.Should().BeCloseTo(DateTime.UtcNow.AddMinutes(30), TimeSpan.FromMinutes(1));
        tags["ExpiresAt"].Should().EndWith("Z");

        var userData = await Ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = InstanceAttributeName.UserData });
        Encoding.UTF8.GetString(Convert.FromBase64String(userData.InstanceAttribute.UserData)).Should().Be("#!/bin/bash\necho hello > /tmp/hello\n");

        var volumes = await Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("attachment.instance-id", [instanceId])] });
        volumes.Volumes.Should().ContainSingle().Which.Should().Match<Volume>(v => v.Size == 12 && v.Encrypted == true);

        var group = await GroupOfAsync(instance);
        group.GroupName.Should().StartWith("jump-full-launch-");
        Ingress(group).Should().BeEquivalentTo(["tcp 22-22 10.0.0.0/8 office", "tcp 443-443 2001:db8::/32 v6 https"]);

        // In the fleet before any poll, with who launched it in the change log.
        var stored = _console.Get<FleetSnapshot>().Find(instanceId);
        stored.Should().NotBeNull();
        stored!.State.Should().Be("running");
        var changes = await _console.Get<FleetQueries>().ChangesAsync(new ChangeFilter(instanceId), 0, 10, CancellationToken.None);
        changes.Should().Contain(c => c.Kind == ChangeKind.Launched && c.NewValue == "full-launch v1" && c.ChangedBy!.StartsWith("apikey:test-Admin"));
        changes.Should().Contain(c => c.Kind == ChangeKind.Appeared);

        var operation = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/jump-servers/operations/{operationId}");
        operation.GetProperty("status").GetString().Should().Be("succeeded");
        operation.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).Should().OnlyContain(s => s == "done");

        var listed = await _console.Http.GetFromJsonAsync<JsonElement>("/api/jump-servers");
        listed.GetProperty("page").GetInt32().Should().Be(1);
        var server = listed.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("instanceId").GetString() == instanceId);
        server.GetProperty("template").GetString().Should().Be("full-launch");
        server.GetProperty("templateVersion").GetInt32().Should().Be(1);
        server.GetProperty("connectCommand").GetString().Should().Be($"ssh -i ~/.ssh/{Templates.KeyName}.pem ec2-user@{instance.PublicIpAddress}");
    }

    [Fact]
    public async Task The_security_group_is_reused_while_the_rules_are_unchanged_and_a_new_one_is_made_when_they_change()
    {
        var body = await Templates.ValidAsync(moto, Region, "reuse");
        var id = (await Templates.CreateAsync(_console, body)).GetProperty("id").GetInt32();

        var first = await GroupOfAsync(await DescribeAsync((await LaunchAsync(id)).InstanceId));
        var (secondId, secondOperation) = await LaunchAsync(id);
        var second = await GroupOfAsync(await DescribeAsync(secondId));
        second.GroupId.Should().Be(first.GroupId);
        var operation = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/jump-servers/operations/{secondOperation}");
        operation.GetProperty("steps")[2].GetProperty("detail").GetString().Should().StartWith("Reused");

        body["securityGroupRules"]!.AsArray().Add(new JsonObject { ["protocol"] = "udp", ["fromPort"] = 51820, ["cidr"] = "192.0.2.0/24" });
        (await _console.Http.PutAsJsonAsync($"/api/templates/{id}", body)).EnsureSuccessStatusCode();
        var (thirdId, _) = await LaunchAsync(id);
        var third = await DescribeAsync(thirdId);
        var changed = await GroupOfAsync(third);

        changed.GroupId.Should().NotBe(first.GroupId);
        Ingress(changed).Should().BeEquivalentTo(["tcp 22-22 10.0.0.0/8 office", "tcp 443-443 2001:db8::/32 v6 https", "udp 51820-51820 192.0.2.0/24 "]);
        Ingress(await GroupAsync(first.GroupId)).Should().HaveCount(2, "the group of the running jump servers is not touched");
        third.Tags.Single(t => t.Key == "TemplateVersion").Value.Should().Be("2");
    }

    [Fact]
    public async Task A_failing_launch_step_deletes_the_security_group_it_made_and_names_the_step_and_AWS_message()
    {
        var body = await Templates.ValidAsync(moto, Region, "no-profile");
        body["iamInstanceProfile"] = "profile-that-does-not-exist";
        var id = (await Templates.CreateAsync(_console, body)).GetProperty("id").GetInt32();

        var response = await _console.Http.PostAsync($"/api/templates/{id}/launch", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("Launch failed at step 'Run the instance'");
        problem.GetProperty("detail").GetString().Should().Contain("NoSuchEntity").And.Contain("profile-that-does-not-exist");
        (await GroupsNamedAsync("jump-no-profile-")).Should().BeEmpty("the group this launch created is rolled back");
        (await InstancesOfAsync("no-profile")).Should().BeEmpty();

        var operation = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/jump-servers/operations/{problem.GetProperty("operationId").GetString()}");
        operation.GetProperty("status").GetString().Should().Be("failed");
        var steps = operation.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString());
        steps["Security group"].Should().Be("rolledBack");
        steps["Run the instance"].Should().Be("failed");
        steps["Wait until running"].Should().Be("skipped");
        steps["Roll back"].Should().Be("done");
    }

    [Fact]
    public async Task A_reused_security_group_survives_a_failed_launch()
    {
        var body = await Templates.ValidAsync(moto, Region, "keeps-group");
        var id = (await Templates.CreateAsync(_console, body)).GetProperty("id").GetInt32();
        var group = await GroupOfAsync(await DescribeAsync((await LaunchAsync(id)).InstanceId));

        body["iamInstanceProfile"] = "missing-profile";
        (await _console.Http.PutAsJsonAsync($"/api/templates/{id}", body)).EnsureSuccessStatusCode();
        (await _console.Http.PostAsync($"/api/templates/{id}/launch", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        (await GroupsNamedAsync("jump-keeps-group-")).Select(g => g.GroupId).Should().Equal(group.GroupId);
    }

    [Fact]
    public async Task An_AMI_that_vanished_after_the_save_fails_the_first_step_and_creates_nothing()
    {
        var body = await Templates.ValidAsync(moto, Region, "vanished-ami");
        var image = await Ec2.CopyImageAsync(new CopyImageRequest { SourceImageId = body["amiId"]!.GetValue<string>(), SourceRegion = Region, Name = "short-lived" });
        body["amiId"] = image.ImageId;
        var id = (await Templates.CreateAsync(_console, body)).GetProperty("id").GetInt32();
        await Ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = image.ImageId });

        var response = await _console.Http.PostAsync($"/api/templates/{id}/launch", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("failedStep").GetString().Should().Be("Check the image");
        problem.GetProperty("detail").GetString().Should().Contain(image.ImageId);
        (await GroupsNamedAsync("jump-vanished-ami-")).Should().BeEmpty();
        (await InstancesOfAsync("vanished-ami")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_subnet_that_vanished_after_the_save_fails_its_step_and_creates_nothing()
    {
        var vpc = await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.77.0.0/16" });
        var subnet = await Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.Vpc.VpcId, CidrBlock = "10.77.1.0/24" });
        var body = await Templates.ValidAsync(moto, Region, "vanished-subnet");
        body["subnetId"] = subnet.Subnet.SubnetId;
        var id = (await Templates.CreateAsync(_console, body)).GetProperty("id").GetInt32();
        await Ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnet.Subnet.SubnetId });

        var response = await _console.Http.PostAsync($"/api/templates/{id}/launch", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("failedStep").GetString().Should().Be("Check the subnet");
        (await GroupsNamedAsync("jump-vanished-subnet-")).Should().BeEmpty();
    }

    private async Task<(string InstanceId, string OperationId)> LaunchAsync(int templateId)
    {
        var response = await _console.Http.PostAsync($"/api/templates/{templateId}/launch", null);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(HttpStatusCode.OK, json.ToString());
        return (json.GetProperty("instanceId").GetString()!, json.GetProperty("operationId").GetString()!);
    }

    private async Task<Amazon.EC2.Model.Instance> DescribeAsync(string instanceId) =>
        (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] })).Reservations[0].Instances[0];

    private async Task<List<Amazon.EC2.Model.Instance>> InstancesOfAsync(string template) =>
        (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("tag:Template", [template])] }))
            .Reservations?.SelectMany(r => r.Instances).ToList() ?? [];

    /// <summary>moto reports an instance's groups on its network interface only.</summary>
    private async Task<SecurityGroup> GroupOfAsync(Amazon.EC2.Model.Instance instance)
    {
        var groupIds = (instance.SecurityGroups ?? []).Concat(instance.NetworkInterfaces.SelectMany(n => n.Groups)).Select(g => g.GroupId).Distinct().ToList();
        groupIds.Should().ContainSingle();
        return await GroupAsync(groupIds[0]);
    }

    private async Task<SecurityGroup> GroupAsync(string groupId) =>
        (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [groupId] })).SecurityGroups.Single();

    private async Task<List<SecurityGroup>> GroupsNamedAsync(string prefix) =>
        (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest())).SecurityGroups.Where(g => g.GroupName.StartsWith(prefix)).ToList();

    private static List<string> Ingress(SecurityGroup group) => group.IpPermissions.SelectMany(p =>
        (p.Ipv4Ranges ?? []).Select(r => $"{p.IpProtocol} {p.FromPort}-{p.ToPort} {r.CidrIp} {r.Description}")
            .Concat((p.Ipv6Ranges ?? []).Select(r => $"{p.IpProtocol} {p.FromPort}-{p.ToPort} {r.CidrIpv6} {r.Description}"))).ToList();
}
