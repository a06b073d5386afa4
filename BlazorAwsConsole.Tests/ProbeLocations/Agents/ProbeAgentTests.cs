using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.SignalR.Client;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>
/// The real probe agent (`dotnet BlazorAwsConsole.dll probe …`, a child process) against a real console (Kestrel on
/// loopback, SQLite): it connects with its location's token and is listed; a killed agent disappears; a revoked token
/// cuts it off; a token of another location, a too old version and a taken name are refused with the reason.
/// </summary>
public sealed class ProbeAgentTests : IAsyncLifetime
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(60);
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    private string Server => _console.BaseAddress.ToString();

    private async Task<(int Id, int TokenId, string Token)> LocationWithTokenAsync(string name)
    {
        var added = await _console.Http.PostAsJsonAsync("/api/probe-locations", new { name });
        added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var made = await _console.Http.PostAsJsonAsync($"/api/probe-locations/{id}/tokens", new { name = "agents" });
        var token = await made.Content.ReadFromJsonAsync<JsonElement>();
        return (id, token.GetProperty("id").GetInt32(), token.GetProperty("token").GetString()!);
    }

    private async Task<JsonElement[]> AgentsAsync(int locationId) =>
        [.. (await _console.Http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{locationId}")).GetProperty("agents").EnumerateArray()];

    private Task UntilAgentsAsync(int locationId, int count, TimeSpan timeout, AgentProcess agent) =>
        Poll.UntilAsync(async () => (await AgentsAsync(locationId)).Length == count, timeout,
            () => $"location {locationId} never listed {count} agent(s)\n{agent.Output}");

    private async Task<List<AuditEntry>> RefusalsAsync() =>
        (await _console.Get<AuditLog>().SearchAsync(new AuditFilter(Action: "probe-agent.connect"), 0, 50, CancellationToken.None)).Items;

    [Fact]
    public async Task An_agent_connects_with_its_token_is_listed_with_name_version_and_address_and_disappears_when_killed()
    {
        var (id, tokenId, token) = await LocationWithTokenAsync("eu-west-1 prod VPC");
        await using var agent = AgentProcess.Start(token, "--server", Server, "--location", "eu-west-1 prod VPC", "--name", "probe-1");

        await UntilAgentsAsync(id, 1, Connect, agent);
        var listed = (await AgentsAsync(id)).Single();
        listed.GetProperty("name").GetString().Should().Be("probe-1");
        listed.GetProperty("version").GetString().Should().Be(AgentProtocol.CurrentVersionText);
        listed.GetProperty("address").GetString().Should().Be("127.0.0.1");
        listed.GetProperty("connectedSince").GetDateTime().Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        listed.GetProperty("lastResultAt").ValueKind.Should().Be(JsonValueKind.Null, "the location has no tests, so the agent made no result");
        listed.GetProperty("testsOwned").GetInt32().Should().Be(0);
        listed.GetProperty("spooled").GetInt32().Should().Be(0);
        await agent.WaitForLineAsync("Connected to the console", Connect);
        agent.Lines.Should().NotContain(line => line.Contains(token), "the token is never logged");

        var location = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/probe-locations/{id}");
        location.GetProperty("tokens")[0].GetProperty("lastUsedAt").ValueKind.Should().NotBe(JsonValueKind.Null, "the agent used the token");

        agent.Kill();
        await UntilAgentsAsync(id, 0, AgentProtocol.GoneAfter + TimeSpan.FromSeconds(15), agent);
        _ = tokenId;
    }

    [Fact]
    public async Task Revoking_the_token_cuts_the_agent_off_within_seconds_and_it_logs_why_and_retries_with_backoff()
    {
        var (id, tokenId, token) = await LocationWithTokenAsync("ap-southeast-2 VPC");
        await using var agent = AgentProcess.Start(token, "--server", Server, "--location", "ap-southeast-2 VPC", "--name", "probe-2");
        await UntilAgentsAsync(id, 1, Connect, agent);

        (await _console.Http.DeleteAsync($"/api/probe-locations/{id}/tokens/{tokenId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await UntilAgentsAsync(id, 0, TimeSpan.FromSeconds(10), agent);
        await agent.WaitForLineAsync("The agent token is revoked", TimeSpan.FromSeconds(20));
        agent.HasExited.Should().BeFalse("a refused agent keeps trying: an Admin may give it a good token");

        // Backing off, not spinning: 1, 2, 4, 8 s… between tries, so a handful of refusals in ten seconds.
        await Task.Delay(TimeSpan.FromSeconds(10));
        agent.Lines.Count(line => line.Contains("refused this agent")).Should().BeInRange(1, 6, agent.Output);
        (await RefusalsAsync()).Should().Contain(e => e.Result.Contains("refused 401") && e.Result.Contains("revoked") && e.Actor == "agent:probe-2");
    }

    [Fact]
    public async Task A_token_of_one_location_naming_another_is_refused_and_the_refusal_is_in_the_access_log()
    {
        var (idA, _, tokenA) = await LocationWithTokenAsync("location A");
        var (idB, _, _) = await LocationWithTokenAsync("location B");
        await using var agent = AgentProcess.Start(tokenA, "--server", Server, "--location", "location B", "--name", "sneaky");

        await agent.WaitForLineAsync("is for location location A, not location B", Connect);
        agent.Output.Should().Contain("403");
        (await AgentsAsync(idB)).Should().BeEmpty();
        (await AgentsAsync(idA)).Should().BeEmpty();
        var refusal = (await RefusalsAsync()).Should().Contain(e => e.Actor == "agent:sneaky").Subject;
        refusal.Result.Should().Contain("refused 403").And.Contain("location A");
        refusal.Address.Should().Be("127.0.0.1");
    }

    [Fact]
    public async Task An_agent_older_than_the_console_needs_is_refused_with_the_version_it_needs()
    {
        var (id, _, token) = await LocationWithTokenAsync("old agents");
        var options = new ProbeAgentOptions(_console.BaseAddress, "old agents", "ancient", token) { Version = "0.1.0" };
        await using var connection = ProbeAgent.Connect(options, new AgentBackoff(_ => { }));

        var refused = (await FluentActions.Awaiting(() => connection.StartAsync()).Should().ThrowAsync<AgentRefusedException>()).Subject.Single();
        refused.Status.Should().Be(HttpStatusCode.Forbidden);
        refused.Message.Should().Contain("0.1.0 is too old").And.Contain($"needs version {AgentProtocol.MinimumVersion} or later");
        (await AgentsAsync(id)).Should().BeEmpty();
        (await RefusalsAsync()).Should().Contain(e => e.Actor == "agent:ancient" && e.Result.Contains("too old"));
    }

    [Fact]
    public async Task A_second_agent_with_a_name_already_connected_in_the_location_is_refused_and_the_same_agent_may_dial_in_again()
    {
        var (id, _, token) = await LocationWithTokenAsync("twins");
        var first = new ProbeAgentOptions(_console.BaseAddress, "twins", "probe-x", token);
        await using var one = ProbeAgent.Connect(first, new AgentBackoff(_ => { }));
        await one.StartAsync();
        // The client's start ends with SignalR's handshake, before the hub's OnConnectedAsync has registered it.
        await Poll.UntilAsync(async () => (await AgentsAsync(id)).Length == 1, TimeSpan.FromSeconds(10), () => "the first agent was never listed");

        await using var two = ProbeAgent.Connect(first with { InstanceId = Guid.NewGuid().ToString("n") }, new AgentBackoff(_ => { }));
        var refused = (await FluentActions.Awaiting(() => two.StartAsync()).Should().ThrowAsync<AgentRefusedException>()).Subject.Single();
        refused.Status.Should().Be(HttpStatusCode.Conflict);
        refused.Message.Should().Contain("An agent named probe-x is already connected to twins").And.Contain("another --name");

        // The same agent process (same instance id) dialling in again before its old connection is noticed gone takes its name over.
        await using var again = ProbeAgent.Connect(first, new AgentBackoff(_ => { }));
        await again.StartAsync();
        await Poll.UntilAsync(() => one.State == HubConnectionState.Disconnected || one.State == HubConnectionState.Reconnecting, TimeSpan.FromSeconds(15),
            () => "the replaced connection was not cut off");
        (await AgentsAsync(id)).Should().ContainSingle().Which.GetProperty("name").GetString().Should().Be("probe-x");
    }

    [Theory]
    [InlineData("server", "no agent token")]
    [InlineData("none", "--server must be the console's URL")]
    [InlineData("http", "would send the agent's token in clear")]
    public async Task The_agent_without_a_token_or_a_server_or_over_plain_http_says_so_in_one_line_and_exits_with_2(string server, string message)
    {
        var withServer = server == "server";
        string[] args = server switch
        {
            "server" => ["--server", Server, "--location", "x"],
            "http" => ["--server", "http://console.example", "--location", "x"],
            _ => ["--location", "x"],
        };
        await using var agent = AgentProcess.Start(withServer ? null : "bacp_whatever", args);
        (await agent.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().BeTrue(agent.Output);
        agent.ExitCode.Should().Be(2);
        agent.Lines.Should().ContainSingle().Which.Should().Contain(message);
    }
}
