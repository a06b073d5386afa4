using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Access;

public class SignInTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    private static HttpClient Browserless(ConsoleHost console) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = console.BaseAddress };

    [Fact]
    public async Task A_user_signs_in_and_out_and_both_are_in_the_access_log()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        var password = await console.AddUserAsync("alice", ConsoleRoles.Viewer);
        var alice = await SignedInClient.CreateAsync(console, "alice", password);

        (await alice.GetAsync("/fleet")).StatusCode.Should().Be(HttpStatusCode.OK);
        var logout = await PostFormAsync(alice, "/account/logout");
        logout.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await alice.GetAsync("/fleet")).StatusCode.Should().Be(HttpStatusCode.Redirect, "the cookie is gone");

        var log = await console.Http.GetFromJsonAsync<JsonElement>("/api/access/log?actor=alice");
        log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString())
            .Should().Contain(["sign-in", "sign-out"]);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_logged_and_repeated_failures_lock_the_account()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database, "Access:MaxFailedSignIns=3");
        var password = await console.AddUserAsync("bob", ConsoleRoles.Operator);
        using var client = Browserless(console);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var failed = await SignedInClient.SignInAsync(client, "bob", "wrong-password-123");
            failed.Headers.Location!.ToString().Should().Contain("error=");
        }
        var locked = await SignedInClient.SignInAsync(client, "bob", password);

        locked.Headers.Location!.ToString().Should().Contain("error=locked", "the right password no longer helps");
        var page = await client.GetStringAsync(locked.Headers.Location!.ToString());
        page.Should().Contain("locked");
        var log = await console.Http.GetFromJsonAsync<JsonElement>("/api/access/log?actor=bob&action=sign-in");
        log.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("result").GetString())
            .Should().Contain("denied: wrong user name or password").And.Contain("denied: locked out");
        log.GetRawText().Should().NotContain(password).And.NotContain("wrong-password-123");
    }

    [Fact]
    public async Task Sign_in_attempts_are_rate_limited_per_address()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database, "Access:SignInsPerMinute=3");
        using var client = Browserless(console);

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 5; attempt++) statuses.Add((await SignedInClient.SignInAsync(client, "nobody", "whatever-password")).StatusCode);

        statuses.Should().Contain(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_sign_in_form_without_its_antiforgery_token_is_refused()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        var password = await console.AddUserAsync("carol", ConsoleRoles.Admin);
        using var client = Browserless(console);

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "carol",
            ["password"] = password,
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);

        var response = await console.Anonymous.GetAsync("/account/login");

        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("frame-ancestors 'none'").And.Contain("script-src 'self'");
        response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
    }

    [Fact]
    public async Task Sign_in_only_returns_to_local_addresses()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        var password = await console.AddUserAsync("dave", ConsoleRoles.Viewer);
        using var client = Browserless(console);
        var response = await SignedInClient.SignInAsync(client, "dave", password, returnUrl: "https://evil.example/");

        response.Headers.Location!.ToString().Should().Be("/");
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path) =>
        SignedInClient.PostFormAsync(client, "/fleet", path, []);
}

/// <summary>The same tests with the console on PostgreSQL (lockouts and sign-in cookies included).</summary>
[Collection(PostgresCollection.Name)]
public sealed class SignInTestsOnPostgres(MotoFixture moto, PostgresServer postgres) : SignInTests(moto)
{
    protected override ConsoleDatabase Database => postgres;
}
