using System.Net;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Access;

/// <summary>
/// The data-protection keys live in the database, so consoles on one database (the nodes of a cluster) accept each
/// other's sign-in cookies and antiforgery tokens, and a console on another database does not. PostgreSQL only:
/// one SQLite file serves one console (a second one on the same file is refused at start).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedKeysTests(MotoFixture moto, PostgresServer postgres) : IClassFixture<MotoFixture>
{
    private ConsoleDatabase Database => postgres;

    [Fact]
    public async Task A_cookie_and_an_antiforgery_token_from_one_node_are_accepted_by_another_on_the_same_database_only()
    {
        await using var shared = await Database.CreateAsync();
        // Two nodes of one cluster, each under its own name (a second live node with the same name is refused).
        await using var nodeA = await ConsoleHost.StartAsync(moto, Database, [.. shared.Settings, "Cluster:NodeName=keys-a"]);
        await using var nodeB = await ConsoleHost.StartAsync(moto, Database, [.. shared.Settings, "Cluster:NodeName=keys-b"]);
        await using var elsewhere = await ConsoleHost.StartAsync(moto, Database);
        var password = await nodeA.AddUserAsync("night-shift", ConsoleRoles.Viewer);
        // Cookies are per host, not per port: one jar serves all three consoles on 127.0.0.1, as one browser would.
        var jar = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false };
        using var a = new HttpClient(handler, disposeHandler: false) { BaseAddress = nodeA.BaseAddress };
        using var b = new HttpClient(handler, disposeHandler: false) { BaseAddress = nodeB.BaseAddress };
        using var c = new HttpClient(handler, disposeHandler: false) { BaseAddress = elsewhere.BaseAddress };

        // The form and its antiforgery token come from node A; the sign-in is posted to node B.
        var page = await a.GetStringAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var signIn = await b.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "night-shift", ["password"] = password, ["returnUrl"] = "/fleet", ["__RequestVerificationToken"] = token,
        }));
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signIn.Headers.Location!.ToString().Should().Be("/fleet", "node B accepted node A's antiforgery token and signed the user in");

        (await b.GetAsync("/fleet")).StatusCode.Should().Be(HttpStatusCode.OK, "node B's own cookie");
        (await a.GetAsync("/fleet")).StatusCode.Should().Be(HttpStatusCode.OK, "node A accepts the cookie node B issued");
        var other = await c.GetAsync("/fleet");
        other.StatusCode.Should().Be(HttpStatusCode.Redirect, "a console on another database has other keys");
        other.Headers.Location!.ToString().Should().Contain("/account/login");

        await using var db = await nodeA.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.DataProtectionKeys.CountAsync()).Should().Be(1, "the first node made the key ring; the second read it");
    }

    [Fact]
    public async Task A_node_with_another_key_encryption_key_is_refused_at_start_with_what_to_do()
    {
        await using var shared = await Database.CreateAsync();
        await using var nodeA = await ConsoleHost.StartAsync(moto, Database, [.. shared.Settings, "Cluster:NodeName=keys-a"]);
        var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var own = Path.Combine(folder, "node-b.kek");
        await File.WriteAllTextAsync(own, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

        var startNodeB = () => ConsoleHost.StartAsync(moto, Database, [.. shared.Settings, "Cluster:NodeName=keys-b", $"DataProtection:KeyEncryptionKeyFile={own}"]);

        var refused = (await startNodeB.Should().ThrowAsync<Exception>()).Which;
        refused.Message.Should().Contain("data-protection keys in the database were encrypted with key-encryption key")
            .And.Contain("give every node the same DataProtection:KeyEncryptionKeyFile or Vault path");
        await using var db = await nodeA.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.DataProtectionKeys.CountAsync()).Should().Be(1, "the refused node added no key of its own to the ring");
        Directory.Delete(folder, recursive: true);
    }
}
