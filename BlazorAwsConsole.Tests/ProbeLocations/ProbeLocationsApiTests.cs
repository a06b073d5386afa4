using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.ProbeLocations;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.ProbeLocations;

/// <summary>Probe locations and their agents' tokens through the API of a real console (SQLite file, moto).</summary>
public sealed class ProbeLocationsApiTests : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false", "Probes:Location=home NOC");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private async Task<JsonElement> AddAsync(object body)
    {
        var response = await _console.Http.PostAsJsonAsync("/api/probe-locations", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().Should().StartWith("/api/probe-locations/");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> TokenAsync(int locationId, string name)
    {
        var response = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{locationId}/tokens", new { name });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> GetAsync(int id) => await _console.Http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{id}");

    private static JsonElement Errors(HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult().GetProperty("errors");

    private Task<LocationTokenMatch?> ValidateAsync(string token) => _console.Get<LocationTokenService>().ValidateAsync(token, CancellationToken.None);

    [Fact]
    public async Task The_consoles_own_location_is_listed_first_keeps_its_configured_name_and_takes_no_tokens()
    {
        await AddAsync(new { name = "aaa first by name" });
        var list = await _console.Http.GetFromJsonAsync<JsonElement>("/api/probe-locations");
        var first = list.GetProperty("items")[0];
        first.GetProperty("name").GetString().Should().Be("home NOC");
        first.GetProperty("isConsole").GetBoolean().Should().BeTrue();
        var id = first.GetProperty("id").GetInt32();

        var rename = await _console.Http.PutAsJsonAsync($"/api/probe-locations/{id}", new { name = "elsewhere" });
        rename.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Errors(rename).GetProperty("name")[0].GetString().Should().Contain("Probes:Location");
        var describe = await _console.Http.PutAsJsonAsync($"/api/probe-locations/{id}", new { description = "the NOC's own network", region = "eu-west-1" });
        describe.StatusCode.Should().Be(HttpStatusCode.OK, await describe.Content.ReadAsStringAsync());
        (await GetAsync(id)).GetProperty("description").GetString().Should().Be("the NOC's own network");

        (await _console.Http.DeleteAsync($"/api/probe-locations/{id}")).StatusCode.Should().Be(HttpStatusCode.Conflict);
        var token = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/tokens", new { name = "agent" });
        token.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await token.Content.ReadAsStringAsync()).Should().Contain("agents need a location of their own");
    }

    [Fact]
    public async Task A_location_is_added_read_edited_field_by_field_and_deleted_with_its_tokens()
    {
        var added = await AddAsync(new { name = "eu-west-1 prod VPC", region = "eu-west-1", description = "private subnets of prod" });
        var id = added.GetProperty("id").GetInt32();
        added.GetProperty("isConsole").GetBoolean().Should().BeFalse();
        added.GetProperty("createdBy").GetString().Should().StartWith("apikey:test-Admin", "the access log's name of the API key that asked");

        var edited = await _console.Http.PutAsJsonAsync($"/api/probe-locations/{id}", new { description = "prod, all AZs" });
        edited.StatusCode.Should().Be(HttpStatusCode.OK);
        var read = await GetAsync(id);
        read.GetProperty("name").GetString().Should().Be("eu-west-1 prod VPC", "a field left out keeps its value");
        read.GetProperty("region").GetString().Should().Be("eu-west-1");
        read.GetProperty("description").GetString().Should().Be("prod, all AZs");
        (await _console.Http.PutAsJsonAsync($"/api/probe-locations/{id}", new { region = "" })).EnsureSuccessStatusCode();
        (await GetAsync(id)).GetProperty("region").ValueKind.Should().Be(JsonValueKind.Null, "an empty region clears it");

        var token = (await TokenAsync(id, "agent-1")).GetProperty("token").GetString()!;
        (await _console.Http.DeleteAsync($"/api/probe-locations/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _console.Http.GetAsync($"/api/probe-locations/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ValidateAsync(token)).Should().BeNull("a deleted location's tokens go with it");
        await using var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.LocationTokens.CountAsync(t => t.LocationId == id)).Should().Be(0);
        (await db.AuditEntries.Where(e => e.Action.StartsWith("probe-location.")).Select(e => e.Action).ToListAsync())
            .Should().Contain(["probe-location.add", "probe-location.update", "probe-location.token.create", "probe-location.delete"]);
    }

    [Fact]
    public async Task An_agent_held_by_another_node_is_listed_with_the_figures_that_node_renewed_its_row_with()
    {
        var id = (await AddAsync(new { name = "Osaka VPC" })).GetProperty("id").GetInt32();
        var tokenId = (await TokenAsync(id, "agent-1")).GetProperty("id").GetInt32();
        var now = DateTime.UtcNow;
        await using (var db = await _console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            db.ConnectedAgents.Add(new BlazorAwsConsole.ProbeLocations.Agents.ConnectedAgent
            {
                LocationId = id, Name = "osaka-1", InstanceId = "elsewhere", ConnectionId = "conn-on-node-b", TokenId = tokenId, Address = "10.1.2.3",
                Version = "1.0", Node = "node-b", ConnectedAt = now.AddMinutes(-5), LastSeenAt = now,
                TestsOwned = 42, Spooled = 7, LastResultAt = now.AddSeconds(-3), ResultsPerMinute = 84,
            });
            await db.SaveChangesAsync();
        }

        var agent = (await GetAsync(id)).GetProperty("agents").EnumerateArray().Should().ContainSingle().Subject;
        agent.GetProperty("node").GetString().Should().Be("node-b");
        agent.GetProperty("testsOwned").GetInt32().Should().Be(42);
        agent.GetProperty("spooled").GetInt32().Should().Be(7);
        agent.GetProperty("resultsPerMinute").GetDouble().Should().Be(84);
        agent.GetProperty("lastResultAt").GetDateTime().Should().BeCloseTo(now.AddSeconds(-3), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_changes_nothing()
    {
        async Task<JsonElement> RefusedAsync(object? body)
        {
            var response = body is null
                ? await _console.Http.PostAsync("/api/probe-locations", new StringContent("", System.Text.Encoding.UTF8, "application/json"))
                : await _console.Http.PostAsJsonAsync("/api/probe-locations", body);
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
            return Errors(response);
        }
        (await RefusedAsync(new { name = "" })).GetProperty("name")[0].GetString().Should().Contain("1 to 64");
        (await RefusedAsync(new { name = new string('x', 65) })).TryGetProperty("name", out _).Should().BeTrue();
        (await RefusedAsync(new { name = "tab\there" })).TryGetProperty("name", out _).Should().BeTrue();
        (await RefusedAsync(new { name = "ok", region = "Mars" })).GetProperty("region")[0].GetString().Should().Contain("AWS region code");
        (await RefusedAsync(new { name = "ok", description = new string('d', 501) })).TryGetProperty("description", out _).Should().BeTrue();
        (await RefusedAsync(null)).TryGetProperty("body", out _).Should().BeTrue();

        await AddAsync(new { name = "Singapore VPC" });
        (await RefusedAsync(new { name = "singapore vpc" })).GetProperty("name")[0].GetString().Should().Contain("already named");
        (await RefusedAsync(new { name = "HOME noc" })).GetProperty("name")[0].GetString().Should().Contain("already named", "the console's own name is taken too");

        var other = (await AddAsync(new { name = "Tokyo VPC" })).GetProperty("id").GetInt32();
        var clash = await _console.Http.PutAsJsonAsync($"/api/probe-locations/{other}", new { name = "SINGAPORE VPC", description = "changed" });
        clash.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await GetAsync(other)).GetProperty("description").ValueKind.Should().Be(JsonValueKind.Null, "a refused edit changes nothing");

        var badToken = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{other}/tokens", new { name = " " });
        badToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Errors(badToken).TryGetProperty("name", out _).Should().BeTrue();
        (await _console.Http.PostAsJsonAsync("/api/probe-locations/99999/tokens", new { name = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _console.Http.PutAsJsonAsync("/api/probe-locations/99999", new { name = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var list = await _console.Http.GetFromJsonAsync<JsonElement>("/api/probe-locations");
        list.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("name").GetString())
            .Should().BeEquivalentTo(["home NOC", "Singapore VPC", "Tokyo VPC"]);
    }

    [Fact]
    public async Task Viewers_and_operators_read_locations_only_admins_change_them()
    {
        var id = (await AddAsync(new { name = "read-only check" })).GetProperty("id").GetInt32();
        foreach (var role in new[] { ConsoleRoles.Viewer, ConsoleRoles.Operator })
        {
            var client = await _console.ClientAsync(role);
            (await client.GetAsync("/api/probe-locations")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await client.GetAsync($"/api/probe-locations/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await client.PostAsJsonAsync("/api/probe-locations", new { name = $"by {role}" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await client.PutAsJsonAsync($"/api/probe-locations/{id}", new { description = "x" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await client.PostAsJsonAsync($"/api/probe-locations/{id}/tokens", new { name = "x" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await client.DeleteAsync($"/api/probe-locations/{id}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }
        (await _console.Anonymous.GetAsync("/api/probe-locations")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_is_shown_once_stored_only_hashed_and_good_for_its_one_location_until_revoked()
    {
        var vpc = (await AddAsync(new { name = "token VPC" })).GetProperty("id").GetInt32();
        var other = (await AddAsync(new { name = "other VPC" })).GetProperty("id").GetInt32();
        var created = await TokenAsync(vpc, "agent on ip-10-0-1-5");
        var token = created.GetProperty("token").GetString()!;
        token.Should().StartWith("bacp_").And.HaveLength("bacp_".Length + 43);
        created.GetProperty("prefix").GetString().Should().Be(token[..11]);

        var read = await GetAsync(vpc);
        var listed = read.GetProperty("tokens").EnumerateArray().Single();
        listed.GetProperty("name").GetString().Should().Be("agent on ip-10-0-1-5");
        listed.GetProperty("status").GetString().Should().Be("active");
        read.ToString().Should().NotContain(token);
        (await _console.Http.GetStringAsync("/api/probe-locations")).Should().NotContain(token);
        (await _console.DatabaseTextAsync()).Should().NotContain(token[6..], "only a hash of the token is stored");

        var match = await ValidateAsync(token);
        match.Should().NotBeNull();
        match!.LocationId.Should().Be(vpc, "a token is good for its own location only");
        match.LocationId.Should().NotBe(other);
        match.LocationName.Should().Be("token VPC");
        (await ValidateAsync(token + "x")).Should().BeNull();
        (await ValidateAsync("bac_" + token[5..])).Should().BeNull();
        (await GetAsync(vpc)).GetProperty("tokens")[0].GetProperty("lastUsedAt").ValueKind.Should().Be(JsonValueKind.String);

        var tokenId = created.GetProperty("id").GetInt32();
        (await _console.Http.DeleteAsync($"/api/probe-locations/{other}/tokens/{tokenId}")).StatusCode.Should().Be(HttpStatusCode.NotFound,
            "a token is revoked through its own location");
        (await _console.Http.DeleteAsync($"/api/probe-locations/{vpc}/tokens/{tokenId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ValidateAsync(token)).Should().BeNull("a revoked token is refused at once");
        (await GetAsync(vpc)).GetProperty("tokens")[0].GetProperty("status").GetString().Should().Be("revoked");
    }

    [Fact]
    public async Task Rotating_a_token_gives_a_new_one_and_keeps_the_old_one_good_for_the_overlap_only()
    {
        var vpc = (await AddAsync(new { name = "rotation VPC" })).GetProperty("id").GetInt32();
        var first = await TokenAsync(vpc, "fleet agents");
        var firstToken = first.GetProperty("token").GetString()!;
        var firstId = first.GetProperty("id").GetInt32();

        var rotate = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{vpc}/tokens/{firstId}/rotate", new { overlapMinutes = 30 });
        rotate.StatusCode.Should().Be(HttpStatusCode.Created, await rotate.Content.ReadAsStringAsync());
        var rotated = await rotate.Content.ReadFromJsonAsync<JsonElement>();
        var secondToken = rotated.GetProperty("token").GetString()!;
        secondToken.Should().NotBe(firstToken);
        rotated.GetProperty("replacesTokenId").GetInt32().Should().Be(firstId);
        rotated.GetProperty("replacedTokenExpiresAt").GetDateTime().Should().BeCloseTo(DateTime.UtcNow.AddMinutes(30), TimeSpan.FromMinutes(1));
        (await ValidateAsync(firstToken)).Should().NotBeNull("the old token stays good during the overlap");
        (await ValidateAsync(secondToken)).Should().NotBeNull();
        var statuses = (await GetAsync(vpc)).GetProperty("tokens").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetInt32(), t => t.GetProperty("status").GetString());
        statuses[firstId].Should().Be("expiring");
        statuses[rotated.GetProperty("id").GetInt32()].Should().Be("active");

        var again = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{vpc}/tokens/{firstId}/rotate", new { });
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).Should().Contain("already rotated");

        var bad = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{vpc}/tokens/{rotated.GetProperty("id").GetInt32()}/rotate", new { overlapMinutes = 100_000 });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Errors(bad).TryGetProperty("overlapMinutes", out _).Should().BeTrue();

        var now = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{vpc}/tokens/{rotated.GetProperty("id").GetInt32()}/rotate", new { overlapMinutes = 0 });
        now.StatusCode.Should().Be(HttpStatusCode.Created);
        (await ValidateAsync(secondToken)).Should().BeNull("with no overlap the old token ends at once");
        (await ValidateAsync((await now.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!)).Should().NotBeNull();
    }

    [Fact]
    public async Task Two_rotations_of_one_token_at_once_make_one_new_token()
    {
        var vpc = (await AddAsync(new { name = "race VPC" })).GetProperty("id").GetInt32();
        var tokenId = (await TokenAsync(vpc, "raced")).GetProperty("id").GetInt32();
        var second = await _console.ClientAsync(ConsoleRoles.Admin);
        var answers = await Task.WhenAll(
            _console.Http.PostAsJsonAsync($"/api/probe-locations/{vpc}/tokens/{tokenId}/rotate", new { }),
            second.PostAsJsonAsync($"/api/probe-locations/{vpc}/tokens/{tokenId}/rotate", new { }));
        answers.Select(a => a.StatusCode).Should().BeEquivalentTo([HttpStatusCode.Created, HttpStatusCode.Conflict]);
        (await GetAsync(vpc)).GetProperty("tokens").GetArrayLength().Should().Be(2, "the rotated token and one new one");
    }
}
