using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Secrets;

/// <summary>/api/settings: credentials add/test/rotate/delete, regions, Vault status; bad input is a 400 naming each field, Vault trouble a 502/503 with Vault's reason.</summary>
public sealed class SettingsApiTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private const string Path = "blazor-aws-console/credentials/";
    private FakeVaultServer _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeVaultServer.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    private static async Task<IReadOnlyList<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return (await response.JsonAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
    }

    [Fact]
    public async Task Adding_stores_the_key_pair_in_Vault_only_and_test_shows_the_account_and_arn()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault);

        var added = await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1", "us-west-2"]);

        added.StatusCode.Should().Be(HttpStatusCode.Created);
        added.Headers.Location!.ToString().Should().Be("/api/settings/credentials/prod");
        var body = await added.Content.ReadAsStringAsync();
        body.Should().NotContain(alice.SecretAccessKey).And.NotContain(alice.AccessKeyId);
        var dto = JsonDocument.Parse(body).RootElement;
        dto.GetProperty("accessKeyIdLast4").GetString().Should().Be(alice.AccessKeyId[^4..]);
        dto.GetProperty("vaultPath").GetString().Should().Be(Path + "prod");
        _vault.KvVersions(Path + "prod").Single()[KeyPairSecret.SecretKeyField].Should().Be(alice.SecretAccessKey);

        var tested = await console.Http.PostAsync("/api/settings/credentials/prod/test", null);
        tested.StatusCode.Should().Be(HttpStatusCode.OK);
        var identity = await tested.JsonAsync();
        identity.GetProperty("account").GetString().Should().Be("123456789012");
        identity.GetProperty("arn").GetString().Should().Be(alice.UserArn);

        var regions = (await console.Http.GetFromJsonAsync<JsonElement>("/api/settings/regions")).GetProperty("items");
        var east = regions.EnumerateArray().Single(r => r.GetProperty("code").GetString() == "us-east-1");
        east.GetProperty("credentialSet").GetString().Should().Be("prod");
        east.GetProperty("fromVault").GetBoolean().Should().BeTrue();
        regions.EnumerateArray().Single(r => r.GetProperty("code").GetString() == "eu-west-1")
            .GetProperty("credentialSource").GetString().Should().Be(AwsClientFactory.SandboxSource);
    }

    [Fact]
    public async Task Bad_credential_requests_are_400s_naming_each_field()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        (await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"])).EnsureSuccessStatusCode();

        (await ErrorFieldsAsync(await console.Http.PostAsJsonAsync("/api/settings/credentials", new { })))
            .Should().BeEquivalentTo("name", "kind", "regions");
        (await ErrorFieldsAsync(await console.Http.PostAsJsonAsync("/api/settings/credentials",
                new { name = "bad name!", kind = "KeyPair", accessKeyId = "short", secretAccessKey = "x", regions = new[] { "us-east-1" }, roleArn = "role" })))
            .Should().BeEquivalentTo("name", "accessKeyId", "secretAccessKey", "regions", "roleArn");
        (await ErrorFieldsAsync(await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["mars-north-1"])))
            .Should().BeEquivalentTo("name", "regions");
        (await ErrorFieldsAsync(await console.Http.PostAsJsonAsync("/api/settings/credentials", new { name = "role", kind = "VaultRole", regions = new[] { "eu-west-1" } })))
            .Should().BeEquivalentTo("vaultRole");
        (await console.Http.PostAsJsonAsync("/api/settings/credentials", new { name = "x", kind = 7 }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest, "a mistyped field is a bad body, never a 500");
        (await console.Http.PostAsync("/api/settings/credentials", new StringContent("not json", System.Text.Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await console.Http.PostAsync("/api/settings/credentials/nobody/test", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await console.Http.PostAsJsonAsync("/api/settings/credentials/nobody/rotate", new { })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await console.Http.DeleteAsync("/api/settings/credentials/nobody")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ErrorFieldsAsync(await console.Http.PostAsJsonAsync("/api/settings/credentials/prod/rotate", new { accessKeyId = "x" })))
            .Should().BeEquivalentTo("accessKeyId", "secretAccessKey");
    }

    [Fact]
    public async Task Rotation_checks_the_new_pair_writes_a_new_version_with_cas_keeps_the_old_and_switches_at_once()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        var bob = await MotoIam.CreateUserWithKeyAsync(moto, $"bob-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault, "Vault:KvRefreshSeconds=3600");
        (await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"])).EnsureSuccessStatusCode();
        (await (await console.Http.PostAsync("/api/settings/credentials/prod/test", null)).JsonAsync()).GetProperty("arn").GetString().Should().Be(alice.UserArn);

        var rotated = await console.Http.PostAsJsonAsync("/api/settings/credentials/prod/rotate",
            new { accessKeyId = bob.AccessKeyId, secretAccessKey = bob.SecretAccessKey });

        rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await rotated.JsonAsync();
        body.GetProperty("kvVersion").GetInt32().Should().Be(2);
        body.GetProperty("identity").GetProperty("arn").GetString().Should().Be(bob.UserArn, "the new pair was checked with GetCallerIdentity");
        var versions = _vault.KvVersions(Path + "prod");
        versions.Should().HaveCount(2);
        versions[0][KeyPairSecret.AccessKeyField].Should().Be(alice.AccessKeyId, "the old version stays in Vault's history");
        versions[1][KeyPairSecret.AccessKeyField].Should().Be(bob.AccessKeyId);
        // The cache was for an hour; the rotation takes effect at once anyway.
        (await (await console.Http.PostAsync("/api/settings/credentials/prod/test", null)).JsonAsync()).GetProperty("arn").GetString().Should().Be(bob.UserArn);
        using var sts = console.Get<AwsClientFactory>().Sts("us-east-1");
        (await sts.GetCallerIdentityAsync(new())).Arn.Should().Be(bob.UserArn);
        var listed = (await console.Http.GetFromJsonAsync<JsonElement>("/api/settings/credentials")).GetProperty("items")[0];
        listed.GetProperty("accessKeyIdLast4").GetString().Should().Be(bob.AccessKeyId[^4..]);
        listed.GetProperty("rotatedAt").ValueKind.Should().NotBe(JsonValueKind.Null);
        var log = await console.Http.GetFromJsonAsync<JsonElement>("/api/access/log?target=prod&pageSize=100");
        var entries = log.GetProperty("items").EnumerateArray().Select(e => (Action: e.GetProperty("action").GetString(), Result: e.GetProperty("result").GetString())).ToList();
        entries.Should().Contain(("credentials.add", "ok")).And.Contain(("credentials.rotate", "ok")).And.Contain(("credentials.test", "ok"));
        log.GetRawText().Should().NotContain(bob.SecretAccessKey).And.NotContain(alice.SecretAccessKey);
    }

    [Fact]
    public async Task Vault_trouble_is_a_503_or_502_with_Vaults_reason_and_changes_nothing()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        var bob = await MotoIam.CreateUserWithKeyAsync(moto, $"bob-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        (await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"])).EnsureSuccessStatusCode();

        _vault.Sealed = true;
        var rotate = await console.Http.PostAsJsonAsync("/api/settings/credentials/prod/rotate", new { accessKeyId = bob.AccessKeyId, secretAccessKey = bob.SecretAccessKey });
        var add = await VaultConsole.AddKeyPairAsync(console, "other", bob, ["eu-west-1"]);
        var delete = await console.Http.DeleteAsync("/api/settings/credentials/prod");
        var test = await console.Http.PostAsync("/api/settings/credentials/prod/test", null);
        _vault.Sealed = false;
        _vault.DeniedPrefixes.Add("secret/");
        var denied = await VaultConsole.AddKeyPairAsync(console, "other", bob, ["eu-west-1"]);

        foreach (var response in new[] { rotate, add, delete, test })
        {
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await response.JsonAsync()).GetProperty("detail").GetString().Should().Contain("Vault is sealed");
        }
        denied.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await denied.JsonAsync()).GetProperty("detail").GetString().Should().Contain("permission denied");
        var listed = (await console.Http.GetFromJsonAsync<JsonElement>("/api/settings/credentials")).GetProperty("items");
        listed.GetArrayLength().Should().Be(1);
        listed[0].GetProperty("accessKeyIdLast4").GetString().Should().Be(alice.AccessKeyId[^4..]);
        _vault.KvVersions(Path + "prod").Should().HaveCount(1);
    }

    [Fact]
    public async Task Deleting_removes_the_secret_from_Vault_and_the_regions_fall_back()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        (await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"])).EnsureSuccessStatusCode();

        (await console.Http.DeleteAsync("/api/settings/credentials/prod")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        _vault.KvVersions(Path + "prod").Should().BeEmpty();
        (await console.Http.GetFromJsonAsync<JsonElement>("/api/settings/credentials")).GetProperty("total").GetInt32().Should().Be(0);
        console.Get<AwsClientFactory>().CredentialsFor("us-east-1").Source.Should().Be(AwsClientFactory.SandboxSource);
        using var sts = console.Get<AwsClientFactory>().Sts("us-east-1");
        (await sts.GetCallerIdentityAsync(new())).Arn.Should().NotBe(alice.UserArn, "the region signs with the sandbox key again");
    }

    [Fact]
    public async Task A_Vault_role_is_checked_when_added_and_its_rotation_is_rotate_root()
    {
        _vault.AddAwsRole("deploy");
        await using var console = await VaultConsole.StartAsync(moto, _vault);

        var missing = await console.Http.PostAsJsonAsync("/api/settings/credentials", new { name = "ghost", kind = "VaultRole", vaultRole = "ghost", regions = new[] { "us-east-1" } });
        var added = await console.Http.PostAsJsonAsync("/api/settings/credentials", new { name = "deploy", kind = "VaultRole", vaultRole = "deploy", useSts = true, regions = new[] { "us-east-1" } });
        var tested = await console.Http.PostAsync("/api/settings/credentials/deploy/test", null);
        var rotated = await console.Http.PostAsJsonAsync("/api/settings/credentials/deploy/rotate", new { });

        missing.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await missing.JsonAsync()).GetProperty("detail").GetString().Should().Contain("Role \\\"ghost\\\" not found".Replace("\\\"", "\""));
        added.StatusCode.Should().Be(HttpStatusCode.Created);
        tested.StatusCode.Should().Be(HttpStatusCode.OK);
        _vault.Requests.Should().Contain("GET /v1/aws/sts/deploy");
        rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        _vault.RotateRootCount.Should().Be(1);

        var revokesBefore = _vault.Requests.Count(r => r == "PUT /v1/sys/leases/revoke");
        (await console.Http.DeleteAsync("/api/settings/credentials/deploy")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _vault.Requests.Count(r => r == "PUT /v1/sys/leases/revoke").Should().Be(revokesBefore + 1, "the deleted set's lease is revoked at once");
    }

    [Fact]
    public async Task Without_Vault_credentials_cannot_be_added_and_the_Vault_status_says_so()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        await using var console = await ConsoleHost.StartAsync(moto, "Aws:TimeoutSeconds=20");

        var added = await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"]);
        var status = await console.Http.GetFromJsonAsync<JsonElement>("/api/settings/vault");

        added.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await added.JsonAsync()).GetProperty("detail").GetString().Should().Contain("Vault is not configured");
        status.GetProperty("configured").GetBoolean().Should().BeFalse();
        console.Get<AwsClientFactory>().CredentialsFor("us-east-1").Source.Should().Be(AwsClientFactory.SandboxSource, "Sandbox runs without Vault");
        using var sts = console.Get<AwsClientFactory>().Sts("us-east-1");
        (await sts.GetCallerIdentityAsync(new())).Account.Should().Be("123456789012");
    }

    [Theory]
    [InlineData("Vault:Address=vault.example.com", "not an http(s) URL")]
    [InlineData("Vault:AuthMethod=AppRole", "RoleId or Vault:SecretId is missing")]
    [InlineData("Vault:KvMount=", "KvMount")]
    public async Task Bad_Vault_settings_stop_the_console_at_start_naming_the_setting(string setting, string message)
    {
        var start = () => ConsoleHost.StartAsync(moto, $"Vault:Address={_vault.Address}", $"Vault:Token={_vault.RootToken}", setting);

        await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage($"*{message}*");
    }

    [Fact]
    public async Task Vault_status_shows_reachability_seal_and_token_ttl_never_the_token()
    {
        var token = _vault.CreateToken(ttlSeconds: 7200, renewable: true);
        await using var console = await ConsoleHost.StartAsync(moto, "Aws:TimeoutSeconds=20", $"Vault:Address={_vault.Address}", $"Vault:Token={token}");

        var ok = await console.Http.GetStringAsync("/api/settings/vault");
        _vault.Sealed = true;
        var sealedStatus = await console.Http.GetFromJsonAsync<JsonElement>("/api/settings/vault");
        _vault.Sealed = false;

        ok.Should().NotContain(token);
        var status = JsonDocument.Parse(ok).RootElement;
        status.GetProperty("reachable").GetBoolean().Should().BeTrue();
        status.GetProperty("sealed").GetBoolean().Should().BeFalse();
        status.GetProperty("tokenValid").GetBoolean().Should().BeTrue();
        status.GetProperty("tokenTtlSeconds").GetInt32().Should().BeInRange(7000, 7200);
        sealedStatus.GetProperty("sealed").GetBoolean().Should().BeTrue();
        sealedStatus.GetProperty("error").GetString().Should().Be("Vault is sealed");
    }

    [Fact]
    public async Task A_credential_older_than_the_limit_is_flagged()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault, "Secrets:MaxCredentialAgeDays=30");
        (await VaultConsole.AddKeyPairAsync(console, "old", alice, ["us-east-1"])).EnsureSuccessStatusCode();
        (await VaultConsole.AddKeyPairAsync(console, "new", alice, ["us-west-2"])).EnsureSuccessStatusCode();
        await using (var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            (await db.CredentialSets.SingleAsync(s => s.Name == "old")).CreatedAt = DateTime.UtcNow.AddDays(-31);
            await db.SaveChangesAsync();
        }

        var listed = (await console.Http.GetFromJsonAsync<JsonElement>("/api/settings/credentials")).GetProperty("items");
        var page = await console.Http.GetStringAsync("/settings/aws/credentials");

        listed.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "old").GetProperty("tooOld").GetBoolean().Should().BeTrue();
        listed.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "new").GetProperty("tooOld").GetBoolean().Should().BeFalse();
        page.Should().Contain("credential-too-old-old").And.NotContain("credential-too-old-new");
    }

    [Fact]
    public async Task Regions_are_added_after_DescribeRegions_knows_them_and_can_be_disabled_and_removed()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("eu-west-1"), "in-removed-region");
        await using var console = await ConsoleHost.StartAsync(moto, "Aws:TimeoutSeconds=20");
        await console.SyncAsync();

        var added = await console.Http.PostAsJsonAsync("/api/settings/regions", new { code = "us-east-2", name = "US East 2" });
        var unknown = await console.Http.PostAsJsonAsync("/api/settings/regions", new { code = "xx-nowhere-9", name = "Nowhere" });
        (await ErrorFieldsAsync(await console.Http.PostAsJsonAsync("/api/settings/regions", new { code = "useast", name = "" }))).Should().BeEquivalentTo("code", "name");
        (await ErrorFieldsAsync(await console.Http.PostAsJsonAsync("/api/settings/regions", new { code = "us-east-2", name = "again" }))).Should().BeEquivalentTo("code");

        added.StatusCode.Should().Be(HttpStatusCode.Created);
        (await ErrorFieldsAsync(unknown)).Should().BeEquivalentTo("code");
        (await console.Http.GetFromJsonAsync<JsonElement>("/api/regions")).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("code").GetString()).Should().Contain("us-east-2");

        (await console.Http.PutAsJsonAsync("/api/settings/regions/us-east-2", new { enabled = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await console.SyncAsync()).Regions.Select(r => r.Region).Should().NotContain("us-east-2");
        (await console.Http.PutAsJsonAsync("/api/settings/regions/us-east-2", new { enabled = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await console.SyncAsync()).Regions.Select(r => r.Region).Should().Contain("us-east-2");
        (await console.Http.PutAsJsonAsync("/api/settings/regions/mars-1", new { enabled = true })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        console.Get<FleetSnapshot>().Find(id).Should().NotBeNull();
        (await console.Http.DeleteAsync("/api/settings/regions/eu-west-1")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        console.Get<FleetSnapshot>().Find(id).Should().BeNull("a removed region's instances leave the inventory");
        (await console.Http.DeleteAsync("/api/settings/regions/eu-west-1")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_region_removed_on_the_page_stays_removed_after_a_restart()
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bac-tests", $"regions-{Guid.NewGuid():n}.db");
        var connection = $"ConnectionStrings:Console=Data Source={database}";
        await using (var first = await ConsoleHost.StartAsync(moto, connection))
        {
            (await first.Http.DeleteAsync("/api/settings/regions/us-west-2")).EnsureSuccessStatusCode();
        }

        List<string?> codes;
        await using (var second = await ConsoleHost.StartAsync(moto, connection))
        {
            codes = (await second.Http.GetFromJsonAsync<JsonElement>("/api/settings/regions")).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        }
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }) File.Delete(file);

        codes.Should().Contain("us-east-1").And.NotContain("us-west-2");
    }
}
