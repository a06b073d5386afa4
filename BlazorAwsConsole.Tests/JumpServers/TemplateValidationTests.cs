using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.JumpServers;

/// <summary>Every save-time rule of a template, through the API, against moto's real AMIs, types, subnets and keys.</summary>
public sealed class TemplateValidationTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private ConsoleHost _console = null!;

    public async Task InitializeAsync() => _console = await ConsoleHost.StartAsync(moto);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task A_valid_template_is_saved_as_version_1_with_safe_defaults_for_omitted_fields()
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "valid-one");
        body.Remove("encryptRootVolume");
        body.Remove("requireImdsv2");

        var response = await _console.Http.PostAsJsonAsync("/api/templates", body);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var saved = await response.Content.ReadFromJsonAsync<JsonElement>();
        saved.GetProperty("version").GetInt32().Should().Be(1);
        saved.GetProperty("encryptRootVolume").GetBoolean().Should().BeTrue();
        saved.GetProperty("requireImdsv2").GetBoolean().Should().BeTrue();
        saved.GetProperty("securityGroupRules")[1].GetProperty("cidr").GetString().Should().Be("2001:db8::/32");
        response.Headers.Location!.ToString().Should().Be($"/api/templates/{saved.GetProperty("id").GetInt32()}");
    }

    [Theory]
    [InlineData("amiId", "\"ami-0123456789abcdef0\"", "does not exist in us-east-1")]
    [InlineData("amiId", "\"ubuntu\"", "AMI id")]
    [InlineData("instanceType", "\"t3.gigantic\"", "not an EC2 instance type")]
    [InlineData("subnetId", "\"subnet-0123456789abcdef0\"", "does not exist in us-east-1")]
    [InlineData("keyName", "\"nobody-has-this-key\"", "does not exist")]
    [InlineData("region", "\"mars-north-1\"", "not a watched region")]
    [InlineData("ttlMinutes", "null", "only admins")]
    [InlineData("ttlMinutes", "0", "between 1 and")]
    [InlineData("ttlAction", "\"hibernate\"", "stop or terminate")]
    [InlineData("rootVolumeSizeGb", "0", "between 1 and 16384")]
    [InlineData("name", "\"\"", "name is required")]
    [InlineData("name", "\"has spaces\"", "letters, digits")]
    [InlineData("iamInstanceProfile", "\"not a profile!\"", "instance profile")]
    [InlineData("tags", "{\"Role\":\"admin\"}", "set by the console")]
    [InlineData("tags", "{\"aws:secret\":\"x\"}", "not allowed")]
    public async Task A_bad_field_is_a_400_naming_that_field(string field, string json, string message)
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "bad-" + Guid.NewGuid().ToString("n")[..8]);
        body[field] = JsonNode.Parse(json);

        var errors = await RejectedAsync(body);

        errors.Should().ContainKey(field);
        errors[field].Should().Contain(m => m.Contains(message));
    }

    [Theory]
    [InlineData("cidr", "10.0.0.300/8")]
    [InlineData("cidr", "10.0.0.1/8")]
    [InlineData("cidr", "2001:db8::/129")]
    [InlineData("cidr", "10.0.0.0")]
    [InlineData("fromPort", "0")]
    [InlineData("toPort", "65536")]
    [InlineData("toPort", "21")]
    [InlineData("protocol", "\"gre\"")]
    public async Task A_bad_rule_is_a_400_naming_the_rule_and_its_field(string field, string value)
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "rule-" + Guid.NewGuid().ToString("n")[..8]);
        body["securityGroupRules"]![0]![field] = field == "cidr" ? JsonValue.Create(value) : JsonNode.Parse(value);

        var errors = await RejectedAsync(body);

        errors.Keys.Should().Equal($"securityGroupRules[0].{field}");
    }

    [Fact]
    public async Task User_data_may_be_16_KB_once_base64_encoded_and_not_a_byte_more()
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "userdata-limit");
        body["userData"] = new string('x', 12_288); // exactly 16,384 bytes in base64
        (await _console.Http.PostAsJsonAsync("/api/templates", body)).StatusCode.Should().Be(HttpStatusCode.Created);

        body["name"] = "userdata-over";
        body["userData"] = new string('x', 12_289);
        var errors = await RejectedAsync(body);
        errors["userData"].Single().Should().Contain("16,388 bytes");
    }

    [Theory]
    [InlineData(22, 22, "0.0.0.0/0", "SSH")]
    [InlineData(3389, 3389, "::/0", "RDP")]
    [InlineData(1, 1024, "0.0.0.0/0", "SSH")]
    public async Task Opening_SSH_or_RDP_to_the_world_must_be_confirmed(int from, int to, string cidr, string service)
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "open-" + Guid.NewGuid().ToString("n")[..8]);
        body["securityGroupRules"]![1] = new JsonObject { ["protocol"] = "tcp", ["fromPort"] = from, ["toPort"] = to, ["cidr"] = cidr };

        var errors = await RejectedAsync(body);
        errors["securityGroupRules[1].cidr"].Single().Should().Contain(service).And.Contain("Rule 2").And.Contain("confirmOpenToWorld");

        body["confirmOpenToWorld"] = true;
        (await _console.Http.PostAsJsonAsync("/api/templates", body)).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task HTTPS_open_to_the_world_needs_no_confirmation()
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "https-world");
        body["securityGroupRules"]![1] = new JsonObject { ["protocol"] = "tcp", ["fromPort"] = 443, ["toPort"] = 443, ["cidr"] = "0.0.0.0/0" };

        (await _console.Http.PostAsJsonAsync("/api/templates", body)).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_subnet_of_another_region_is_refused()
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "cross-region");
        body["subnetId"] = (await Templates.DefaultSubnetAsync(moto.Ec2("eu-west-1"))).SubnetId;

        var errors = await RejectedAsync(body);

        errors["subnetId"].Single().Should().Contain("does not exist in us-east-1");
    }

    [Fact]
    public async Task Two_templates_cannot_share_a_name()
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "unique-name");
        await Templates.CreateAsync(_console, body);

        (await RejectedAsync(body))["name"].Single().Should().Contain("already exists");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"name\": 42}")]
    [InlineData("{\"securityGroupRules\": \"all\"}")]
    [InlineData("null")]
    [InlineData("{\"tags\": null, \"securityGroupRules\": null}")]
    [InlineData("{\"securityGroupRules\": [null]}")]
    [InlineData("{\"tags\": {\"a\": null}}")]
    public async Task A_malformed_body_is_a_400_not_a_500(string json)
    {
        var response = await _console.Http.PostAsync("/api/templates", new StringContent(json, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Editing_makes_a_new_version_and_keeps_the_old_one_readable()
    {
        var body = await Templates.ValidAsync(moto, "us-east-1", "versioned");
        var id = (await Templates.CreateAsync(_console, body)).GetProperty("id").GetInt32();

        body["instanceType"] = "t3.small";
        var put = await _console.Http.PutAsJsonAsync($"/api/templates/{id}", body);
        put.StatusCode.Should().Be(HttpStatusCode.OK);

        var latest = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/templates/{id}");
        latest.GetProperty("version").GetInt32().Should().Be(2);
        latest.GetProperty("instanceType").GetString().Should().Be("t3.small");
        var first = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/templates/{id}?version=1");
        first.GetProperty("instanceType").GetString().Should().Be("t3.micro");
        var list = await _console.Http.GetFromJsonAsync<JsonElement>("/api/templates");
        list.GetProperty("items").EnumerateArray().Where(t => t.GetProperty("id").GetInt32() == id).Should().ContainSingle()
            .Which.GetProperty("version").GetInt32().Should().Be(2);

        body["instanceType"] = "t3.nonexistent";
        (await _console.Http.PutAsJsonAsync($"/api/templates/{id}", body)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/templates/{id}")).GetProperty("version").GetInt32().Should().Be(2, "a refused edit adds no version");
    }

    [Fact]
    public async Task A_deleted_template_is_gone_and_unknown_ids_are_404()
    {
        var id = (await Templates.CreateAsync(_console, await Templates.ValidAsync(moto, "us-east-1", "deleted"))).GetProperty("id").GetInt32();

        (await _console.Http.DeleteAsync($"/api/templates/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await _console.Http.GetAsync($"/api/templates/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _console.Http.DeleteAsync($"/api/templates/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _console.Http.PostAsync($"/api/templates/{id}/launch", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _console.Http.PutAsJsonAsync($"/api/templates/{id}", await Templates.ValidAsync(moto, "us-east-1", "x"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_a_subnet_the_default_VPCs_default_subnet_of_the_chosen_zone_is_used()
    {
        var ec2 = moto.Ec2("us-east-1");
        var defaults = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("default-for-az", ["true"])] })).Subnets;
        var zoneB = defaults.Single(s => s.AvailabilityZone == "us-east-1b");
        var body = await Templates.ValidAsync(moto, "us-east-1", "default-subnet-b");
        body.Remove("subnetId");
        body["availabilityZone"] = "us-east-1b";

        var saved = await Templates.CreateAsync(_console, body);

        saved.GetProperty("subnetId").GetString().Should().Be(zoneB.SubnetId);

        var anyZone = await Templates.ValidAsync(moto, "us-east-1", "default-subnet-any");
        anyZone["subnetId"] = "";
        (await Templates.CreateAsync(_console, anyZone)).GetProperty("subnetId").GetString()
            .Should().Be(defaults.OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).First().SubnetId, "with no zone the first zone's default subnet is used");

        var both = await Templates.ValidAsync(moto, "us-east-1", "subnet-and-zone");
        both["availabilityZone"] = "us-east-1b";
        (await RejectedAsync(both)).Should().ContainKey("availabilityZone");
    }

    [Fact]
    public async Task Without_a_subnet_in_a_region_with_no_default_VPC_the_subnet_field_says_so()
    {
        // moto gives every region a default VPC with a default subnet per zone; take ap-southeast-2's away
        // as an account without one would have it (DeleteVpc refuses while its subnets exist).
        var ec2 = moto.Ec2("ap-southeast-2");
        var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] })).Vpcs.Single();
        foreach (var subnet in (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId])] })).Subnets)
        {
            await ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnet.SubnetId });
        }
        await ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpc.VpcId });
        var body = await Templates.ValidAsync(moto, "us-east-1", "no-default-vpc");
        body["region"] = "ap-southeast-2";
        body["amiId"] = await Templates.AmiAsync(ec2);
        body.Remove("subnetId");
        body.Remove("keyName");

        var errors = await RejectedAsync(body);

        errors.Should().ContainKey("subnetId");
        errors["subnetId"].Should().ContainSingle().Which.Should().Contain("ap-southeast-2 has no default VPC").And.Contain("Choose a subnet");
    }

    private async Task<Dictionary<string, string[]>> RejectedAsync(JsonObject body)
    {
        var response = await _console.Http.PostAsJsonAsync("/api/templates", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, json.ToString());
        return json.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
