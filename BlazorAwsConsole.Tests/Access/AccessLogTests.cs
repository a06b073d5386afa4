using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Access;

public class AccessLogTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    [Fact]
    public async Task Every_changing_API_call_is_logged_with_who_from_where_and_the_status()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);

        await console.Http.PostAsJsonAsync("/api/access/users", new { name = "eve", password = "a-long-enough-password", role = "Viewer" });
        await console.Http.PostAsJsonAsync("/api/access/users", new { name = "", password = "x", role = "King" });

        var log = await console.Http.GetFromJsonAsync<JsonElement>("/api/access/log?action=api POST /api/access/users");
        var entries = log.GetProperty("items").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("result").GetString()).Should().BeEquivalentTo(["201", "400"]);
        entries.Should().OnlyContain(e => e.GetProperty("actor").GetString()!.StartsWith("apikey:") && e.GetProperty("address").GetString() == "127.0.0.1");
        var userAdds = await console.Http.GetFromJsonAsync<JsonElement>("/api/access/log?action=user.add");
        userAdds.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("result").GetString())
            .Should().Contain("ok as Viewer").And.Contain(r => r!.StartsWith("refused:"));
        log.GetRawText().Should().NotContain("a-long-enough-password");
    }

    [Fact]
    public async Task The_log_filters_and_exports_as_csv_that_spreadsheets_cannot_execute()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        var audit = console.Get<AuditLog>();
        await audit.WriteAsync("=cmd|'/c calc'!A1", "10.0.0.1", "sign-in", "x,y", "denied");
        await audit.WriteAsync("frank", "10.0.0.2", "instance.stop", "i-0123456789abcdef0", "ok");

        var filtered = await console.Http.GetFromJsonAsync<JsonElement>("/api/access/log?actor=frank");
        var csv = await console.Http.GetStringAsync("/api/access/log.csv?action=sign-in");

        filtered.GetProperty("items").EnumerateArray().Should().ContainSingle().Which.GetProperty("action").GetString().Should().Be("instance.stop");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("at,actor,address,action,target,result");
        lines.Should().Contain(l => l.Contains(",'=cmd|'/c calc'!A1,10.0.0.1,sign-in,\"x,y\",denied"));
        lines.Should().NotContain(l => l.Contains("frank"));
    }
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccessLogTestsOnPostgres(MotoFixture moto, PostgresServer postgres) : AccessLogTests(moto)
{
    protected override ConsoleDatabase Database => postgres;
}
