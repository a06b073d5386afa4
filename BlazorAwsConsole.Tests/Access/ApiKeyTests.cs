using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Access;

public class ApiKeyTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL.</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    [Fact]
    public async Task A_key_is_shown_once_stored_only_as_a_hash_and_stops_working_when_revoked()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);

        var created = await console.Http.PostAsJsonAsync("/api/access/keys", new { name = "ci", role = "Viewer" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetInt32();
        using var ci = new HttpClient { BaseAddress = console.BaseAddress };
        ci.DefaultRequestHeaders.Authorization = new("Bearer", key);

        (await ci.GetAsync("/api/instances")).StatusCode.Should().Be(HttpStatusCode.OK);
        var listed = await console.Http.GetStringAsync("/api/access/keys");
        listed.Should().NotContain(key).And.Contain("\"lastUsedAt\":\"");
        (await console.DatabaseTextAsync()).Should().NotContain(key);

        (await console.Http.DeleteAsync($"/api/access/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ci.GetAsync("/api/instances")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await console.Http.DeleteAsync($"/api/access/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_a_valid_key_the_API_answers_401_and_with_too_low_a_role_403()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        using var forged = new HttpClient { BaseAddress = console.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "bac_not-a-real-key");
        var viewer = await console.ClientAsync(ConsoleRoles.Viewer);

        (await console.Anonymous.GetAsync("/api/instances")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await forged.GetAsync("/api/instances")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var denied = await viewer.PostAsJsonAsync("/api/instances/i-0123456789abcdef0/action", new { action = "stop" });
        denied.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        denied.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task An_operator_may_stop_but_not_terminate_and_the_refusal_is_logged()
    {
        var id = await Ec2Fleet.LaunchAsync(moto.Ec2("us-east-1"), "operator-target");
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        await console.SyncAsync();
        var operatorClient = await console.ClientAsync(ConsoleRoles.Operator);

        var terminate = await operatorClient.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "terminate" });
        var stop = await operatorClient.PostAsJsonAsync($"/api/instances/{id}/action", new { action = "stop" });

        terminate.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await terminate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("Admin");
        stop.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Ec2Fleet.StateAsync(moto.Ec2("us-east-1"), id)).Should().Be("stopped");
        var log = await console.Http.GetFromJsonAsync<JsonElement>($"/api/access/log?target={id}&pageSize=50");
        var actions = log.GetProperty("items").EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Result: e.GetProperty("result").GetString())).ToList();
        actions.Should().Contain(a => a.Action == "instance.terminate" && a.Result!.StartsWith("forbidden"));
        actions.Should().Contain(a => a.Action == "instance.stop" && a.Result == "ok");
    }
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiKeyTestsOnPostgres(MotoFixture moto, PostgresServer postgres) : ApiKeyTests(moto)
{
    protected override ConsoleDatabase Database => postgres;
}
