using System.Net;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Secrets;

/// <summary>
/// The console's Vault client against Vault's HTTP API: the fake always, a real Vault as well when
/// VAULT_ADDR and VAULT_TOKEN are set (Theory rows "fake" and "real"). Tests that need the fake's
/// switches (seal, drop connections, AWS engine, AppRole) say so and run against the fake only.
/// </summary>
public sealed class VaultClientTests
{
    public static TheoryData<string> Vaults => VaultTarget.All();

    private static string UniquePath() => $"bac-tests/{Guid.NewGuid():n}";

    [Theory, MemberData(nameof(Vaults))]
    public async Task Kv_writes_versions_reads_each_lists_shows_metadata_and_deletes(string kind)
    {
        await using var target = await VaultTarget.StartAsync(kind);
        using var vault = target.Client();
        var folder = UniquePath();
        var path = $"{folder}/web";

        (await vault.KvWriteAsync(path, new Dictionary<string, string> { ["k"] = "one" }, cas: 0, default)).Should().Be(1);
        (await vault.KvWriteAsync(path, new Dictionary<string, string> { ["k"] = "two" }, cas: 1, default)).Should().Be(2);
        await vault.KvWriteAsync($"{folder}/db", new Dictionary<string, string> { ["k"] = "x" }, cas: null, default);

        var latest = await vault.KvReadAsync(path, null, default);
        latest.Version.Should().Be(2);
        latest.Data["k"].Should().Be("two");
        (await vault.KvReadAsync(path, 1, default)).Data["k"].Should().Be("one", "old versions stay readable");
        var metadata = await vault.KvMetadataAsync(path, default);
        metadata.CurrentVersion.Should().Be(2);
        metadata.Versions.Select(v => v.Version).Should().Equal(1, 2);
        (await vault.KvListAsync(folder, default)).Should().BeEquivalentTo("web", "db");

        await vault.KvDeleteAllAsync(path, default);

        await vault.Invoking(v => v.KvReadAsync(path, null, default)).Should().ThrowAsync<VaultNotFoundException>();
        (await vault.KvListAsync(folder, default)).Should().BeEquivalentTo("db");
        await vault.KvDeleteAllAsync($"{folder}/db", default);
        (await vault.KvListAsync(folder, default)).Should().BeEmpty("an empty folder lists as nothing, not an error");
    }

    [Theory, MemberData(nameof(Vaults))]
    public async Task A_check_and_set_write_on_a_stale_version_is_refused_with_Vaults_message(string kind)
    {
        await using var target = await VaultTarget.StartAsync(kind);
        using var vault = target.Client();
        var path = UniquePath();
        await vault.KvWriteAsync(path, new Dictionary<string, string> { ["k"] = "one" }, cas: 0, default);

        var conflict = await vault.Invoking(v => v.KvWriteAsync(path, new Dictionary<string, string> { ["k"] = "two" }, cas: 0, default))
            .Should().ThrowAsync<VaultCasConflictException>();

        conflict.Which.Errors.Should().ContainMatch("*check-and-set*");
        (await vault.KvReadAsync(path, null, default)).Data["k"].Should().Be("one", "the refused write changed nothing");
        await vault.KvDeleteAllAsync(path, default);
    }

    [Theory, MemberData(nameof(Vaults))]
    public async Task A_bad_token_is_forbidden_and_a_missing_secret_is_not_found(string kind)
    {
        await using var target = await VaultTarget.StartAsync(kind);
        using var good = target.Client();
        using var bad = target.Client(token: "hvs.not-a-token");

        var denied = await bad.Invoking(v => v.KvReadAsync(UniquePath(), null, default)).Should().ThrowAsync<VaultForbiddenException>();
        denied.Which.Status.Should().Be(HttpStatusCode.Forbidden);
        denied.Which.Errors.Should().ContainMatch("*permission denied*");
        await good.Invoking(v => v.KvReadAsync(UniquePath(), null, default)).Should().ThrowAsync<VaultNotFoundException>();
        (await good.HealthAsync(default)).State.Should().BeOneOf(VaultHealthState.Ready, VaultHealthState.Standby);
    }

    [Theory, MemberData(nameof(Vaults))]
    public async Task Lookup_self_describes_the_token_without_revealing_it(string kind)
    {
        await using var target = await VaultTarget.StartAsync(kind);
        using var vault = target.Client();

        var info = await vault.LookupSelfAsync(default);

        info.Policies.Should().NotBeEmpty();
        info.ToString().Should().NotContain(target.RootToken);
    }

    [Fact]
    public async Task A_renewable_token_is_renewed_by_renew_self_and_automatically_before_it_expires()
    {
        await using var target = await VaultTarget.StartAsync(VaultTarget.Fake);
        var fake = target.FakeServer!;
        fake.AppRoleTokenTtlSeconds = 3600;
        var token = fake.CreateToken(ttlSeconds: 90, renewable: true);
        var time = new ManualTime();
        using var vault = target.Client(token, time);

        (await vault.LookupSelfAsync(default)).Ttl.Should().BeCloseTo(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(2));
        (await vault.RenewSelfAsync(default)).Should().Be(TimeSpan.FromSeconds(3600));
        await vault.LookupSelfAsync(default);

        // Two thirds of the TTL gone: the next call renews first.
        time.Advance(TimeSpan.FromSeconds(2500));
        var before = fake.Requests.Count;
        await vault.KvWriteAsync(UniquePath(), new Dictionary<string, string> { ["k"] = "v" }, null, default);

        fake.Requests.Skip(before).Should().StartWith("POST /v1/auth/token/renew-self");
        vault.TokenExpiresAt.Should().BeAfter(time.GetUtcNow().AddSeconds(3000));
    }

    [Fact]
    public async Task An_expired_or_revoked_token_is_forbidden()
    {
        await using var target = await VaultTarget.StartAsync(VaultTarget.Fake);
        var fake = target.FakeServer!;
        var expiring = fake.CreateToken(ttlSeconds: 600);
        var revoked = fake.CreateToken(ttlSeconds: 600);
        using var first = target.Client(expiring);
        using var second = target.Client(revoked);
        await first.LookupSelfAsync(default);

        fake.ExpireTokenAfter(expiring, 0);
        fake.RevokeToken(revoked);

        await first.Invoking(v => v.LookupSelfAsync(default)).Should().ThrowAsync<VaultForbiddenException>();
        await second.Invoking(v => v.KvReadAsync("x", null, default)).Should().ThrowAsync<VaultForbiddenException>();
    }

    [Fact]
    public async Task AppRole_logs_in_on_first_use_and_a_wrong_secret_id_gets_Vaults_reason()
    {
        await using var target = await VaultTarget.StartAsync(VaultTarget.Fake);
        var fake = target.FakeServer!;
        using var vault = target.Client(configure: o => (o.Token, o.AuthMethod, o.RoleId, o.SecretId) = (null, VaultAuthMethod.AppRole, fake.RoleId, fake.SecretId));
        using var wrong = target.Client(configure: o => (o.Token, o.AuthMethod, o.RoleId, o.SecretId) = (null, VaultAuthMethod.AppRole, fake.RoleId, "nope"));

        await vault.KvWriteAsync("approle/check", new Dictionary<string, string> { ["k"] = "v" }, null, default);

        fake.Requests.Should().Contain("POST /v1/auth/approle/login");
        (await vault.LookupSelfAsync(default)).Policies.Should().Contain("blazor-aws-console");
        vault.TokenExpiresAt.Should().NotBeNull();
        var failed = await wrong.Invoking(v => v.KvReadAsync("approle/check", null, default)).Should().ThrowAsync<VaultException>();
        failed.Which.Errors.Should().Contain("invalid role or secret ID");
    }

    [Fact]
    public async Task AppRole_logs_in_again_when_its_token_can_no_longer_be_renewed()
    {
        await using var target = await VaultTarget.StartAsync(VaultTarget.Fake);
        var fake = target.FakeServer!;
        fake.AppRoleTokenTtlSeconds = 60;
        var time = new ManualTime();
        using var vault = target.Client(time: time, configure: o => (o.Token, o.AuthMethod, o.RoleId, o.SecretId) = (null, VaultAuthMethod.AppRole, fake.RoleId, fake.SecretId));
        await vault.LookupSelfAsync(default);
        // Five sixths of the TTL gone and renew-self denied (the token was revoked): the client logs in again.
        time.Advance(TimeSpan.FromSeconds(50));
        fake.DeniedPrefixes.Add("auth/token/renew-self");

        await vault.KvWriteAsync("relogin", new Dictionary<string, string> { ["k"] = "v" }, null, default);

        fake.Requests.Count(r => r == "POST /v1/auth/approle/login").Should().Be(2);
    }

    [Fact]
    public async Task Aws_engine_keys_come_with_a_lease_that_renews_and_revokes()
    {
        await using var target = await VaultTarget.StartAsync(VaultTarget.Fake);
        var fake = target.FakeServer!;
        fake.AddAwsRole("deploy");
        using var vault = target.Client();

        var lease = await vault.AwsCredentialsAsync("deploy", sts: false, default);
        var sts = await vault.AwsCredentialsAsync("deploy", sts: true, default);

        lease.AccessKey.Should().StartWith("AKIA");
        lease.SecretKey.Should().NotBeNullOrEmpty();
        lease.LeaseId.Should().StartWith("aws/creds/deploy/");
        lease.Renewable.Should().BeTrue();
        lease.LeaseDuration.Should().Be(TimeSpan.FromSeconds(900));
        sts.SessionToken.Should().NotBeNullOrEmpty();
        sts.Renewable.Should().BeFalse();

        var renewed = await vault.RenewLeaseAsync(lease.LeaseId, TimeSpan.FromSeconds(1800), default);
        renewed.LeaseDuration.Should().Be(TimeSpan.FromSeconds(1800));
        await vault.RevokeLeaseAsync(lease.LeaseId, default);
        fake.LeaseIsLive(lease.LeaseId).Should().BeFalse();
        var gone = await vault.Invoking(v => v.RenewLeaseAsync(lease.LeaseId, null, default)).Should().ThrowAsync<VaultException>();
        gone.Which.Errors.Should().Contain("lease not found");
        await vault.Invoking(v => v.AwsCredentialsAsync("no-such-role", false, default)).Should().ThrowAsync<VaultException>()
            .WithMessage("*no-such-role*");
    }

    [Fact]
    public async Task Rotate_root_asks_Vault_to_replace_its_AWS_key()
    {
        await using var target = await VaultTarget.StartAsync(VaultTarget.Fake);
        using var vault = target.Client();

        var newKey = await vault.RotateRootAsync(default);

        newKey.Should().StartWith("AKIA");
        target.FakeServer!.RotateRootCount.Should().Be(1);
    }

    [Fact]
    public async Task Sealed_unreachable_silent_and_forbidding_Vaults_are_told_apart()
    {
        await using var target = await VaultTarget.StartAsync(VaultTarget.Fake);
        var fake = target.FakeServer!;
        using var vault = target.Client(configure: o => o.TimeoutSeconds = 1);

        fake.Sealed = true;
        var sealedError = await vault.Invoking(v => v.KvReadAsync("x", null, default)).Should().ThrowAsync<VaultSealedException>();
        sealedError.Which.Reason.Should().Be("Vault is sealed");
        (await vault.HealthAsync(default)).State.Should().Be(VaultHealthState.Sealed);
        fake.Sealed = false;

        fake.Unreachable = true;
        await vault.Invoking(v => v.KvReadAsync("x", null, default)).Should().ThrowAsync<VaultUnreachableException>().WithMessage("*unreachable*");
        (await vault.HealthAsync(default)).State.Should().Be(VaultHealthState.Unreachable);
        fake.Unreachable = false;

        fake.Silent = true;
        await vault.Invoking(v => v.KvReadAsync("x", null, default)).Should().ThrowAsync<VaultUnreachableException>().WithMessage("*did not answer*");
        fake.Silent = false;

        fake.DeniedPrefixes.Add("secret/data/x");
        await vault.Invoking(v => v.KvReadAsync("x", null, default)).Should().ThrowAsync<VaultForbiddenException>().WithMessage("*permission denied*");

        using var nowhere = new VaultClient(Microsoft.Extensions.Options.Options.Create(new VaultOptions { Address = ConsoleHost.DeadEndpoint(), Token = "t" }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<VaultClient>.Instance);
        await nowhere.Invoking(v => v.LookupSelfAsync(default)).Should().ThrowAsync<VaultUnreachableException>();
        (await vault.HealthAsync(default)).State.Should().Be(VaultHealthState.Ready);
    }
}
