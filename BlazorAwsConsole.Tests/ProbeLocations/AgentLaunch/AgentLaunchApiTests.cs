using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.ProbeLocations;
using BlazorAwsConsole.ProbeLocations.AgentLaunch;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.JumpServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.ProbeLocations.AgentLaunch;

/// <summary>"Launch an agent" through POST /api/probe-locations/{id}/agents/launch of a real console, against moto's EC2, SSM and IAM.</summary>
public sealed class AgentLaunchApiTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private const string Region = "us-west-2";
    private const string ConfiguredServer = "https://noc.example";
    private readonly CapturedLogs _logs = new();
    private ConsoleHost _console = null!;

    private IAmazonEC2 Ec2 => moto.Ec2(Region);

    private IAmazonSimpleSystemsManagement? _ssm;

    private IAmazonSimpleSystemsManagement Ssm => _ssm ??= new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"),
        new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Endpoint, AuthenticationRegion = Region });

    public async Task InitializeAsync() =>
        _console = await ConsoleHost.StartAsync(moto, builder => builder.Logging.AddProvider(_logs),
            "Probes:RunOnSchedule=false", $"Probes:AgentServerUrl={ConfiguredServer}", "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Microsoft.EntityFrameworkCore=Trace");

    public async Task DisposeAsync()
    {
        _ssm?.Dispose();
        await _console.DisposeAsync();
    }

    private async Task<(int Id, string Name)> LocationAsync(string name)
    {
        var response = await _console.Http.PostAsJsonAsync("/api/probe-locations", new { name, region = Region });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32(), name);
    }

    private async Task<JsonElement[]> TokensAsync(int locationId) =>
        [.. (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{locationId}")).GetProperty("tokens").EnumerateArray()];

    private async Task<List<Parameter>> ParametersAsync(int locationId, string locationName)
    {
        var path = $"{AgentLauncher.ParameterRoot}/{AgentLauncher.Slug(locationId, locationName)}";
        var found = await Ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = path, Recursive = true });
        return found.Parameters ?? [];
    }

    private async Task<List<string>> AuditAsync(string action)
    {
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.Action == action).OrderBy(e => e.Id).Select(e => e.Target + " => " + e.Result).ToListAsync();
    }

    [Fact]
    public async Task A_launched_agents_instance_reads_its_token_from_a_SecureString_parameter_and_the_token_is_nowhere_else()
    {
        var (id, name) = await LocationAsync("us-west-2 prod VPC");
        var profile = $"probe-agent-{Guid.NewGuid():n}"[..24];
        await MotoIam.CreateInstanceProfileAsync(moto, profile);
        var ami = await Templates.AmiAsync(Ec2);

        var response = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/agents/launch",
            new { amiId = ami, instanceType = "t3.micro", iamInstanceProfile = profile, agentName = "vpc-agent-1" });

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        var launched = JsonDocument.Parse(body).RootElement;
        var instanceId = launched.GetProperty("instanceId").GetString()!;
        var parameterName = launched.GetProperty("parameterName").GetString()!;
        var tokenId = launched.GetProperty("tokenId").GetInt32();
        parameterName.Should().Be($"/blazor-aws-console/probe-agents/us-west-2-prod-vpc/{tokenId}");
        launched.GetProperty("region").GetString().Should().Be(Region, "the location's region is the default");
        launched.GetProperty("subnetId").GetString().Should().Be((await Templates.DefaultSubnetAsync(Ec2)).SubnetId, "no subnet means the default one");
        launched.GetProperty("serverUrl").GetString().Should().Be(ConfiguredServer, "Probes:AgentServerUrl is the default server");
        launched.TryGetProperty("token", out _).Should().BeFalse();
        body.Should().NotContain(LocationTokenService.TokenPrefix);

        // The parameter: a SecureString whose decrypted value is a token the agent gate takes for this location.
        var parameter = (await Ssm.GetParameterAsync(new GetParameterRequest { Name = parameterName, WithDecryption = true })).Parameter;
        parameter.Type.Should().Be(ParameterType.SecureString);
        var token = parameter.Value;
        token.Should().StartWith(LocationTokenService.TokenPrefix);
        var match = await _console.Get<LocationTokenService>().ValidateAsync(token, CancellationToken.None);
        match.Should().NotBeNull();
        (match!.LocationId, match.TokenId).Should().Be((id, tokenId));
        var tags = (await Ssm.ListTagsForResourceAsync(new ListTagsForResourceRequest { ResourceType = ResourceTypeForTagging.Parameter, ResourceId = parameterName })).TagList;
        tags.Should().Contain(t => t.Key == "blazor-aws-console:token-id" && t.Value == tokenId.ToString());

        // The instance: launched with the profile; its user data names the parameter and decrypts it, and never holds the token.
        var instance = (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] })).Reservations[0].Instances[0];
        instance.IamInstanceProfile.Arn.Should().EndWith($"instance-profile/{profile}");
        instance.Tags.Should().Contain(t => t.Key == "Name" && t.Value == "vpc-agent-1");
        var attribute = await Ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = InstanceAttributeName.UserData });
        var userData = Encoding.UTF8.GetString(Convert.FromBase64String(attribute.InstanceAttribute.UserData));
        userData.Should().StartWith("#!/bin/bash").And.Contain($"TOKEN_PARAMETER='{parameterName}'").And.Contain("--with-decryption")
            .And.Contain($"PROBE_LOCATION='{name}'").And.Contain($"CONSOLE_URL='{ConfiguredServer}'").And.Contain("--token-file")
            .And.NotContain(token).And.NotContain(LocationTokenService.TokenPrefix);

        // Nowhere else: not the database, not a log line, not the location's page or its API answer.
        (await _console.DatabaseTextAsync()).Should().NotContain(token);
        _logs.All.Should().NotContain(token);
        (await _console.Http.GetStringAsync($"/settings/probe-locations/{id}")).Should().NotContain(token);
        (await _console.Http.GetStringAsync($"/api/probe-locations/{id}")).Should().NotContain(token);

        (await AuditAsync("probe-location.agent.launch")).Should().ContainSingle()
            .Which.Should().Be($"{id} vpc-agent-1 => ok: {instanceId} in {Region}, token {tokenId} in {parameterName}");
        (await AuditAsync("probe-location.token.create")).Should().ContainSingle().Which.Should().StartWith($"{id} launched vpc-agent-1 ");
        (await AuditAsync("instance.launch")).Should().Contain(e => e.StartsWith(instanceId));
    }

    [Fact]
    public async Task A_bad_subnet_or_instance_type_is_a_400_on_that_field_and_leaves_no_token_and_no_parameter()
    {
        var (id, name) = await LocationAsync("bad fields VPC");
        var ami = await Templates.AmiAsync(Ec2);
        var before = (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations?.Sum(r => r.Instances.Count) ?? 0;

        var badSubnet = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/agents/launch",
            new { amiId = ami, instanceType = "t3.micro", subnetId = "subnet-0123456789abcdef0" });
        var badType = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/agents/launch",
            new { amiId = ami, instanceType = "t9.colossal", serverUrl = "http://noc.example" });

        badSubnet.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        badSubnet.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        Fields(badSubnet).Should().BeEquivalentTo(["subnetId"]);
        badType.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Fields(badType).Should().BeEquivalentTo(["instanceType", "serverUrl"]);
        (await TokensAsync(id)).Should().BeEmpty("fields are checked before the token is made");
        (await ParametersAsync(id, name)).Should().BeEmpty();
        ((await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations?.Sum(r => r.Instances.Count) ?? 0).Should().Be(before);
        (await AuditAsync("probe-location.agent.launch")).Should().HaveCount(2).And.OnlyContain(e => e.Contains("=> invalid: "));
    }

    [Fact]
    public async Task A_launch_EC2_refuses_after_the_token_was_made_revokes_the_token_and_deletes_its_parameter()
    {
        var (id, name) = await LocationAsync("refused launch VPC");
        var ami = await Templates.AmiAsync(Ec2);

        // The name is well formed, so only RunInstances finds out the profile does not exist: the token and parameter exist by then.
        var response = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/agents/launch",
            new { amiId = ami, instanceType = "t3.micro", iamInstanceProfile = "no-such-profile" });

        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().BeOneOf([409, 502], body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        body.Should().Contain("token was revoked");
        var tokens = await TokensAsync(id);
        tokens.Should().ContainSingle().Which.GetProperty("status").GetString().Should().Be("revoked");
        (await ParametersAsync(id, name)).Should().BeEmpty();
        (await AuditAsync("probe-location.token.revoke")).Should().ContainSingle();
        (await AuditAsync("probe-location.agent.launch")).Should().ContainSingle().Which.Should().NotContain("=> ok");
    }

    [Fact]
    public async Task Viewers_and_operators_may_not_launch_an_agent()
    {
        var (id, _) = await LocationAsync("forbidden VPC");
        foreach (var role in new[] { ConsoleRoles.Viewer, ConsoleRoles.Operator })
        {
            using var client = await _console.ClientAsync(role);
            var response = await client.PostAsJsonAsync($"/api/probe-locations/{id}/agents/launch", new { amiId = "ami-12c6146b", instanceType = "t3.micro" });
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, role);
        }
        (await TokensAsync(id)).Should().BeEmpty();
    }

    private static IEnumerable<string> Fields(HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult().GetProperty("errors").EnumerateObject().Select(p => p.Name);
}
