using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Infrastructure.KeysAtRest;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Infrastructure;

/// <summary>
/// The data-protection keys (what signs sign-in cookies) are stored encrypted with a key-encryption key that is not in
/// the database: whoever reads the database, a backup or a dump cannot mint a cookie. Real consoles on SQLite files.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeysAtRestTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static string Database(string path) => $"ConnectionStrings:Console=Data Source={path}";

    private static string NewFolder() => BackupRestoreTests.NewFolder();

    [Fact]
    public async Task The_keys_table_holds_no_key_in_the_clear()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        // A cookie is protected with the ring's current key, so there is one.
        console.Get<IDataProtectionProvider>().CreateProtector("tests").Protect("made at least one key");
        var material = console.Get<IKeyManager>().GetAllKeys()
            .SelectMany(key => key.Descriptor.ExportToXml().SerializedDescriptorElement.Descendants("value"))
            .Select(value => value.Value).ToList();
        material.Should().NotBeEmpty("the console holds its keys in memory");

        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var rows = await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
        var keys = rows.Select(XElement.Parse).Where(element => element.Name.LocalName == "key").ToList();
        keys.Should().NotBeEmpty();
        foreach (var key in keys)
        {
            key.Descendants().Should().NotContain(e => e.Name.LocalName == "masterKey", "the key's secret is stored only encrypted");
            key.Descendants().Should().Contain(e => e.Name.LocalName == "encryptedSecret");
        }
        var everything = await console.DatabaseTextAsync();
        foreach (var secret in material) everything.Should().NotContain(secret, "no byte of the database file holds a key's material");
    }

    [Fact]
    public async Task Without_a_setting_the_key_encryption_key_is_made_beside_the_database_for_its_owner_only_and_a_restart_keeps_sign_ins()
    {
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        var first = await ConsoleHost.StartAsync(moto, Database(databasePath));
        var password = await first.AddUserAsync("night-shift", ConsoleRoles.Viewer);
        using var browser = await SignedInClient.CreateAsync(first, "night-shift", password);
        await first.DisposeAsync();

        var keyFile = Path.Combine(folder, "data-protection.kek");
        File.Exists(keyFile).Should().BeTrue("the console made its key-encryption key beside its database");
        File.GetUnixFileMode(keyFile).Should().Be(OwnerOnly);
        var made = await File.ReadAllTextAsync(keyFile);
        (await File.ReadAllTextAsync(databasePath)).Should().NotContain(made.Trim(), "the key-encryption key is not in the database");

        await using var second = await ConsoleHost.StartAsync(moto, Database(databasePath));
        // Cookies are per host, not per port: the browser's cookie from the first console goes to the second.
        var page = await browser.GetAsync(new Uri(second.BaseAddress, "/fleet"));
        page.StatusCode.Should().Be(HttpStatusCode.OK, "the restarted console decrypts its keys and accepts the cookie");
        (await File.ReadAllTextAsync(keyFile)).Should().Be(made, "the restart used the file it found");
    }

    [Fact]
    public async Task A_start_with_another_key_encryption_key_is_refused_naming_both()
    {
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        await (await ConsoleHost.StartAsync(moto, Database(databasePath))).DisposeAsync();
        var other = Path.Combine(folder, "other.kek");
        await File.WriteAllTextAsync(other, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        File.SetUnixFileMode(other, OwnerOnly);

        var start = () => ConsoleHost.StartAsync(moto, Database(databasePath), $"DataProtection:KeyEncryptionKeyFile={other}");

        var refused = (await start.Should().ThrowAsync<Exception>()).Which;
        refused.Message.Should().Contain("data-protection keys in the database were encrypted with key-encryption key")
            .And.Contain("give every node the same DataProtection:KeyEncryptionKeyFile or Vault path");
        Regex.Matches(refused.Message, "\\b[0-9a-f]{16}\\b").Select(m => m.Value).Distinct().Should().HaveCount(2, "it names the database's key-encryption key and this node's");
        // The refused start changed nothing: the first key-encryption key still opens the ring.
        await using var again = await ConsoleHost.StartAsync(moto, Database(databasePath));
        (await again.Anonymous.GetAsync("/account/login")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_start_without_the_key_encryption_key_the_database_needs_is_refused_and_makes_none()
    {
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        await (await ConsoleHost.StartAsync(moto, Database(databasePath))).DisposeAsync();
        var missing = Path.Combine(folder, "elsewhere", "data-protection.kek");

        var start = () => ConsoleHost.StartAsync(moto, Database(databasePath), $"DataProtection:KeyEncryptionKeyFile={missing}");

        var refused = (await start.Should().ThrowAsync<Exception>()).Which;
        refused.Message.Should().Contain("data-protection keys in the database were encrypted with key-encryption key").And.Contain(missing);
        File.Exists(missing).Should().BeFalse("a new key-encryption key could never open the keys already stored");
    }

    [Fact]
    public async Task Keys_stored_in_the_clear_by_an_earlier_version_are_deleted_at_start()
    {
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        (await ConsoleCli.RunAsync("migrate", "--" + Database(databasePath))).ExitCode.Should().Be(0);
        var material = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        await using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO DataProtectionKeys (FriendlyName, Xml) VALUES ($name, $xml)";
            var id = Guid.NewGuid();
            insert.Parameters.AddWithValue("$name", $"key-{id}");
            insert.Parameters.AddWithValue("$xml", PlaintextKeyXml(id, material));
            await insert.ExecuteNonQueryAsync();
        }

        await using var console = await ConsoleHost.StartAsync(moto, Database(databasePath));

        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync()).Should().NotBeEmpty()
            .And.OnlyContain(xml => xml.Contains("encryptedSecret"), "the earlier key is gone and the new one is encrypted");
        (await console.DatabaseTextAsync()).Should().NotContain(material, "its material was overwritten, not only unlinked");
    }

    [Fact]
    public async Task Nodes_making_the_key_file_at_once_all_use_the_one_that_won()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "keys", KeysAtRestOptions.DefaultFileName);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nodes = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return KeyEncryptionKeyFile.ReadOrCreate(path);
        })).ToList();

        go.SetResult();
        var results = await Task.WhenAll(nodes);

        results.Select(r => r.Key.Fingerprint).Distinct().Should().ContainSingle("every node ended with the same key");
        results.Count(r => r.Created).Should().Be(1);
        KeyEncryptionKeyFile.Read(path)!.Fingerprint.Should().Be(results[0].Key.Fingerprint, "the file holds the key they use");
        File.GetUnixFileMode(path).Should().Be(OwnerOnly);
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().Equal([path], "the losers' private files are gone");
    }

    [Fact]
    public async Task With_Vault_the_key_encryption_key_is_made_in_Vault_once_and_no_file_is_written()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        var folder = NewFolder();
        var databasePath = Path.Combine(folder, "console.db");
        string[] settings = [Database(databasePath), $"Vault:Address={vault.Address}", $"Vault:Token={vault.RootToken}"];

        await (await ConsoleHost.StartAsync(moto, settings)).DisposeAsync();
        await using var again = await ConsoleHost.StartAsync(moto, settings);

        var versions = vault.KvVersions("blazor-aws-console/data-protection");
        versions.Should().ContainSingle("the first start made the key and the restart read it");
        var kek = KeyEncryptionKey.Parse(versions[0][VaultKeyEncryptionKey.Field]);
        kek.Should().NotBeNull();
        File.Exists(Path.Combine(folder, KeysAtRestOptions.DefaultFileName)).Should().BeFalse();
        await using var db = await again.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync()).Should().NotBeEmpty()
            .And.OnlyContain(xml => xml.Contains($"kek=\"{kek!.Fingerprint}\""), "the keys name Vault's key-encryption key");
        (await again.DatabaseTextAsync()).Should().NotContain(versions[0][VaultKeyEncryptionKey.Field]);
    }

    /// <summary>A key as ASP.NET Core 10 writes it without an XML encryptor, as earlier versions of the console stored them.</summary>
    private static string PlaintextKeyXml(Guid id, string material)
    {
        var now = DateTimeOffset.UtcNow;
        return $"""
            <key id="{id}" version="1"><creationDate>{now.AddDays(-10):O}</creationDate><activationDate>{now.AddDays(-10):O}</activationDate><expirationDate>{now.AddDays(80):O}</expirationDate><descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection, Version=10.0.0.0, Culture=neutral, PublicKeyToken=adb9793829ddae60"><descriptor><encryption algorithm="AES_256_CBC" /><validation algorithm="HMACSHA256" /><masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection"><!-- Warning: the key below is in an unencrypted form. --><value>{material}</value></masterKey></descriptor></descriptor></key>
            """;
    }
}
