using BlazorAwsConsole.Access;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// Stands before every request to the agents' hub (negotiate, then the WebSocket or the fallback transports): the
/// bearer token must be a live token of a location (401 otherwise), of the location the agent names (403), the agent's
/// version at least <see cref="AgentProtocol.MinimumVersion"/> (403) and its name not held by another live agent of the
/// location (409). A refusal is problem details naming the problem (the agent logs its detail) and a line in the access
/// log. Checking here rather than in the hub means a refused agent never gets a connection, and the answer reaches it
/// as an HTTP status and body, which the SignalR client surfaces on the negotiate request.
/// </summary>
public sealed class AgentGate(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, LocationTokenService tokens, AgentRegistry registry, AuditLog audit)
    {
        var query = context.Request.Query;
        var location = query[AgentProtocol.LocationParameter].ToString().Trim();
        var name = query[AgentProtocol.AgentParameter].ToString().Trim();
        var version = query[AgentProtocol.VersionParameter].ToString().Trim();
        var instance = query[AgentProtocol.InstanceParameter].ToString().Trim();
        var address = context.Connection.RemoteIpAddress?.ToString();
        var who = $"agent:{(name.Length > 0 ? name : "?")}";
        var target = $"{(location.Length > 0 ? location : "?")} {who}";

        async Task Refuse(int status, string title, string detail)
        {
            await audit.WriteAsync(who, address, "probe-agent.connect", target, $"refused {status}: {detail}", context.RequestAborted);
            await TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
        }

        if (location.Length == 0 || name.Length is 0 or > AgentProtocol.MaxAgentNameLength || name.Any(char.IsControl)
            || instance.Length is 0 or > 64 || !Version.TryParse(version, out var agentVersion))
        {
            await Refuse(StatusCodes.Status400BadRequest, "Incomplete agent",
                $"An agent names its location, its name (1 to {AgentProtocol.MaxAgentNameLength} characters), a version like 1.2.3 and an instance id in the hub's URL.");
            return;
        }
        if (!ApiKeyAuthenticationHandler.TryReadBearer(context.Request, out var token))
        {
            await Refuse(StatusCodes.Status401Unauthorized, "No agent token", "No agent token was sent: give the agent its location's token in PROBE_TOKEN or --token-file.");
            return;
        }
        var (match, refusal) = await tokens.CheckAsync(token, context.RequestAborted);
        if (match is null)
        {
            await Refuse(StatusCodes.Status401Unauthorized, "Agent token refused",
                $"The agent token is {refusal}: an Admin makes a new one (or rotates it) on the location's page under Settings > Probe locations.");
            return;
        }
        if (!string.Equals(ProbeLocation.KeyOf(location), ProbeLocation.KeyOf(match.LocationName), StringComparison.Ordinal))
        {
            await Refuse(StatusCodes.Status403Forbidden, "Token of another location",
                $"This token ({match.TokenName}) is for location {match.LocationName}, not {location}: a token is good for its one location only.");
            return;
        }
        if (new Version(agentVersion.Major, agentVersion.Minor) < AgentProtocol.MinimumVersion)
        {
            await Refuse(StatusCodes.Status403Forbidden, "Agent too old",
                $"Agent version {version} is too old: this console needs version {AgentProtocol.MinimumVersion} or later (it runs {AgentProtocol.CurrentVersionText}); run the agent from the console's build.");
            return;
        }
        if (await registry.HolderOfNameAsync(match.LocationId, name, instance, context.RequestAborted) is { } holder)
        {
            await Refuse(StatusCodes.Status409Conflict, "Agent name taken",
                $"An agent named {name} is already connected to {match.LocationName} (from {holder.Address ?? "an unknown address"} since {holder.ConnectedAt:u}): give this one another --name.");
            return;
        }
        new AgentIdentity(match, name, instance, version, address).AttachTo(context);
        await next(context);
    }
}
