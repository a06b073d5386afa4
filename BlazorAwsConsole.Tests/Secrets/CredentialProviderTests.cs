using System.Net.Http.Json;
using System.Net;
using Amazon.SecurityToken.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Tests.Secrets;

/// <summary>
/// The one credential provider, end to end: the console against moto (EC2, STS, IAM keys) and the
/// fake Vault. moto's GetCallerIdentity names the IAM user whose key signed the call, which is how
/// these tests see which key the console used.
/// </summary>
public sealed class CredentialProviderTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private FakeVaultServer _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeVaultServer.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    private static async Task<string> SignedByAsync(ConsoleHost console, string region)
    {
        using var sts = console.Get<AwsClientFactory>().Sts(region);
        return (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn;
    }

    [Fact]
    public async Task A_new_KV_version_written_in_Vault_is_used_without_a_restart()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        var bob = await MotoIam.CreateUserWithKeyAsync(moto, $"bob-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        (await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"])).StatusCode.Should().Be(HttpStatusCode.Created);
        (await SignedByAsync(console, "us-east-1")).Should().Be(alice.UserArn);
        (await SignedByAsync(console, "us-west-2")).Should().NotBe(alice.UserArn, "a region without a credential set keeps the sandbox key");

        // Someone rotates the key in Vault directly (vault kv put), not through the console.
        using var admin = new VaultClient(Options.Create(new VaultOptions { Address = _vault.Address, Token = _vault.RootToken }), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<VaultClient>.Instance);
        await admin.KvWriteAsync("blazor-aws-console/credentials/prod", new KeyPairSecret(bob.AccessKeyId, bob.SecretAccessKey).ToData(), cas: 1, default);

        await VaultConsole.WaitUntilAsync(async () => await SignedByAsync(console, "us-east-1") == bob.UserArn, TimeSpan.FromSeconds(15),
            "the console signs with the new version");
        var listed = (await (await console.Http.GetAsync("/api/settings/credentials")).JsonAsync()).GetProperty("items")[0];
        listed.GetProperty("kvVersion").GetInt32().Should().Be(2);
        listed.GetProperty("accessKeyIdLast4").GetString().Should().Be(bob.AccessKeyId[^4..]);
        (await console.SyncAsync()).Regions.Should().OnlyContain(r => r.Error == null);
    }

    [Fact]
    public async Task When_Vault_is_sealed_regions_go_stale_with_Vaults_reason_actions_are_refused_a_banner_shows_and_all_recovers_by_itself()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "vault-down");
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        (await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"])).EnsureSuccessStatusCode();
        (await console.SyncAsync()).Regions.Should().OnlyContain(r => r.Error == null);
        var snapshot = console.Get<FleetSnapshot>();

        _vault.Sealed = true;

        await VaultConsole.WaitUntilAsync(async () => (await console.SyncAsync()).Regions.Single(r => r.Region == "us-east-1").Error is { } error
            && error.Contains("credentials unavailable"), TimeSpan.FromSeconds(15), "the region fails for want of credentials");
        var region = snapshot.Region("us-east-1")!;
        region.IsStale.Should().BeTrue();
        region.LastError.Should().Be("credentials unavailable: Vault is sealed");
        snapshot.Find(id).Should().NotBeNull("the last inventory stays on screen");
        snapshot.Region("us-west-2")!.IsStale.Should().BeFalse("regions that do not need Vault carry on");

        var action = await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });
        action.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await action.JsonAsync()).GetProperty("detail").GetString().Should().Be("credentials unavailable: Vault is sealed");
        (await Ec2Fleet.StateAsync(moto.Ec2("us-east-1"), id)).Should().Be("running");
        await VaultConsole.WaitUntilAsync(() => Task.FromResult(!console.Get<VaultStatus>().Available), TimeSpan.FromSeconds(10), "Vault is marked unavailable");
        (await console.Http.GetStringAsync("/fleet")).Should().Contain("vault-banner").And.Contain("Vault is unavailable: Vault is sealed");

        _vault.Sealed = false;

        // No explicit sync: the status check notices Vault is back and polls at once, despite the region's backoff.
        await VaultConsole.WaitUntilAsync(() => Task.FromResult(snapshot.Region("us-east-1")?.IsStale == false), TimeSpan.FromSeconds(20),
            "the region recovers by itself");
        console.Get<VaultStatus>().Available.Should().BeTrue();
        (await console.Http.GetStringAsync("/fleet")).Should().NotContain("vault-banner");
        (await console.Http.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unreachable_Vault_names_itself_in_the_regions_error()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        (await VaultConsole.AddKeyPairAsync(console, "prod", alice, ["eu-west-1"])).EnsureSuccessStatusCode();

        _vault.Unreachable = true;

        await VaultConsole.WaitUntilAsync(async () => (await console.SyncAsync()).Regions.Single(r => r.Region == "eu-west-1").Error
            ?.StartsWith("credentials unavailable: Vault at") == true, TimeSpan.FromSeconds(15), "the region names the unreachable Vault");
        console.Get<FleetSnapshot>().Region("eu-west-1")!.LastError.Should().Contain("unreachable");
    }

    [Fact]
    public async Task Secrets_engine_keys_are_cached_within_their_lease_and_the_lease_is_renewed()
    {
        _vault.AddAwsRole("fleet-reader");
        _vault.AwsLeaseSeconds = 3;
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        var added = await console.Http.PostAsJsonAsync("/api/settings/credentials",
            new { name = "engine", kind = "VaultRole", vaultRole = "fleet-reader", regions = new[] { "us-west-2" } });
        added.StatusCode.Should().Be(HttpStatusCode.Created);
        var before = _vault.Requests.Count;

        await console.SyncAsync();
        await console.SyncAsync();
        _vault.Requests.Skip(before).Count(r => r == "GET /v1/aws/creds/fleet-reader").Should().Be(1, "the second sync uses the cached keys");

        await VaultConsole.WaitUntilAsync(async () =>
        {
            await console.SyncAsync();
            return _vault.Requests.Contains("PUT /v1/sys/leases/renew");
        }, TimeSpan.FromSeconds(15), "the lease is renewed past two thirds of its life");
        console.Get<FleetSnapshot>().Region("us-west-2")!.IsStale.Should().BeFalse();
    }

    [Fact]
    public async Task A_role_to_assume_is_assumed_with_the_keys_from_Vault()
    {
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        await using var console = await VaultConsole.StartAsync(moto, _vault);
        (await VaultConsole.AddKeyPairAsync(console, "ops", alice, ["ap-southeast-2"], "arn:aws:iam::123456789012:role/console-ops")).EnsureSuccessStatusCode();

        var tested = await (await console.Http.PostAsync("/api/settings/credentials/ops/test", null)).JsonAsync();

        tested.GetProperty("arn").GetString().Should().Contain("assumed-role/console-ops");
        (await SignedByAsync(console, "ap-southeast-2")).Should().Contain("assumed-role/console-ops");
    }

    [Fact]
    public void In_Aws_mode_a_region_without_a_credential_set_uses_the_default_chain_marked_not_from_Vault()
    {
        using var factory = new AwsClientFactory(Options.Create(new AwsOptions { Mode = AwsMode.Aws }));

        factory.CredentialsFor("us-east-1").Source.Should().Be(AwsClientFactory.DefaultChainSource).And.Contain("not from Vault");
    }
}
