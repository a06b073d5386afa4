using System.Net.Http.Json;
using System.Text;
using BlazorAwsConsole.Secrets;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.Secrets;

/// <summary>
/// After a full run through add, test, rotate and use, neither secret key nor the Vault token is in
/// the database file, any log line (at Trace), any settings page's HTML or any API response.
/// </summary>
public sealed class SecretsNeverLeakTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Secret_keys_and_the_Vault_token_appear_nowhere_but_in_Vault()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        var alice = await MotoIam.CreateUserWithKeyAsync(moto, $"alice-{Guid.NewGuid():n}");
        var bob = await MotoIam.CreateUserWithKeyAsync(moto, $"bob-{Guid.NewGuid():n}");
        var instance = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "leak-check");
        var logs = new CapturedLogs();
        await using var console = await VaultConsole.StartAsync(moto, vault, builder => builder.Logging.AddProvider(logs),
            "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Microsoft.AspNetCore=Trace", "Logging:LogLevel:Microsoft.EntityFrameworkCore=Trace");
        var seen = new StringBuilder();
        async Task Record(Task<HttpResponseMessage> call)
        {
            using var response = await call;
            seen.AppendLine(response.Headers.ToString()).AppendLine(await response.Content.ReadAsStringAsync());
        }

        await Record(VaultConsole.AddKeyPairAsync(console, "prod", alice, ["us-east-1"]));
        await Record(console.Http.PostAsync("/api/settings/credentials/prod/test", null));
        await Record(console.Http.PostAsJsonAsync("/api/settings/credentials/prod/rotate", new { accessKeyId = bob.AccessKeyId, secretAccessKey = bob.SecretAccessKey }));
        await Record(console.Http.PostAsJsonAsync("/api/settings/credentials/prod/rotate", new { accessKeyId = "BAD", secretAccessKey = alice.SecretAccessKey + " x" }));
        await console.SyncAsync();
        await Record(console.Http.PostAsJsonAsync($"/api/instances/{instance}/action", new { action = "reboot" }));
        foreach (var path in new[] { "/api/settings/credentials", "/api/settings/regions", "/api/settings/vault", "/api/regions", "/api/instances", $"/api/instances/{instance}",
                     "/settings/aws", "/settings/aws/credentials", "/settings/aws/regions", "/settings/aws/vault", "/fleet", $"/instances/{instance}" })
        {
            await Record(console.Http.GetAsync(path));
        }
        (await console.Http.GetStringAsync("/settings/aws/regions")).Should().Contain("regions-table", "each tab has its own address");
        (await console.Http.GetStringAsync("/settings/aws/vault")).Should().Contain("vault-status");
        var database = string.Concat(new[] { "", "-wal", "-shm" }.Select(suffix => console.DatabasePath + suffix).Where(File.Exists)
            .Select(file => Encoding.Latin1.GetString(ReadShared(file))));

        // The run did what it should: the secrets are in Vault, the pages and logs are not empty.
        vault.KvVersions("blazor-aws-console/credentials/prod").Select(v => v[KeyPairSecret.SecretKeyField]).Should().Equal(alice.SecretAccessKey, bob.SecretAccessKey);
        seen.ToString().Should().Contain(bob.AccessKeyId[^4..]).And.Contain(bob.UserArn).And.Contain("AWS Settings");
        logs.All.Should().Contain("Credential set prod rotated").And.Contain("Vault POST secret/data/blazor-aws-console/credentials/prod: 200");
        database.Should().Contain("prod");

        // The key-encryption key (made in Vault at start) and the data-protection keys' material: with Trace logging
        // ASP.NET Core logs each stored key's XML as it reads it, which held the material in the clear before.
        var keyEncryptionKey = vault.KvVersions("blazor-aws-console/data-protection").Single()["key"];
        var keyMaterial = console.Get<IKeyManager>().GetAllKeys()
            .SelectMany(key => key.Descriptor.ExportToXml().SerializedDescriptorElement.Descendants("value")).Select(value => value.Value).ToList();
        keyMaterial.Should().NotBeEmpty();
        string[] secrets = [alice.SecretAccessKey, bob.SecretAccessKey, vault.RootToken, keyEncryptionKey, .. keyMaterial];
        foreach (var secret in secrets)
        {
            seen.ToString().Should().NotContain(secret, "no API response or page carries it");
            logs.All.Should().NotContain(secret, "no log line carries it");
            database.Should().NotContain(secret, "the database never holds it");
        }
    }

    private static byte[] ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
