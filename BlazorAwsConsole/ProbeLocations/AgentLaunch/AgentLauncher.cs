using System.Text;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.JumpServers;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tag = Amazon.SimpleSystemsManagement.Model.Tag;

namespace BlazorAwsConsole.ProbeLocations.AgentLaunch;

/// <summary>
/// "Launch an agent" for a probe location: makes a new location token, puts it into SSM Parameter Store as a
/// SecureString in the instance's region, and launches an instance through the jump-server launcher
/// (<see cref="InstanceLauncher"/>) whose user data installs the agent and reads the token from that parameter at boot
/// (<see cref="AgentUserData"/>). The token is in the parameter only: never in the user data, the database, a log line,
/// the answer or the page. A launch that fails after the token was made revokes it and deletes the parameter.
/// Written to the access log as <c>probe-location.agent.launch</c> (with the token's and the instance's own entries).
/// </summary>
public sealed class AgentLauncher(
    IDbContextFactory<ConsoleDbContext> contexts,
    LocationTokenService tokens,
    InstanceLauncher instances,
    TemplateValidator validator,
    AwsClientFactory aws,
    AuditLog audit,
    IOptionsMonitor<ProbeOptions> probes,
    TimeProvider time,
    ILogger<AgentLauncher> logger)
{
    /// <summary>Where launched agents' tokens live in Parameter Store: {root}/{location slug}/{token id}.</summary>
    public const string ParameterRoot = "/blazor-aws-console/probe-agents";
    public const string DefaultInstanceType = "t3.micro";

    /// <param name="consoleAddress">The address the Admin reached the console at: the agent's server when neither the request nor Probes:AgentServerUrl names one.</param>
    public async Task<SettingsResult<LaunchedAgentDto>> LaunchAsync(int locationId, AgentLaunchRequest request, string? consoleAddress, Caller caller,
        CancellationToken cancellationToken)
    {
        var result = await LaunchCoreAsync(locationId, request, consoleAddress, caller, cancellationToken);
        await audit.WriteAsync(caller.Name, caller.Address, "probe-location.agent.launch", $"{locationId} {request.AgentName}".TrimEnd(),
            result.Value is { } launched
                ? $"ok: {launched.InstanceId} in {launched.Region}, token {launched.TokenId} in {launched.ParameterName}"
                : $"{result.Outcome.ToString().ToLowerInvariant()}: {result.Message}", CancellationToken.None);
        return result;
    }

    /// <summary>The parameter a token of <paramref name="locationName"/> is kept in.</summary>
    public static string ParameterName(int locationId, string locationName, int tokenId) => $"{ParameterRoot}/{Slug(locationId, locationName)}/{tokenId}";

    /// <summary>Lower-case letters, digits and single dashes (Parameter Store allows a-zA-Z0-9_.-/ in a name); "location-{id}" when nothing is left.</summary>
    public static string Slug(int locationId, string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9')) slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        }
        var text = slug.ToString().Trim('-');
        if (text.Length > 48) text = text[..48].TrimEnd('-');
        return text.Length == 0 ? $"location-{locationId}" : text;
    }

    private async Task<SettingsResult<LaunchedAgentDto>> LaunchCoreAsync(int locationId, AgentLaunchRequest request, string? consoleAddress, Caller caller,
        CancellationToken cancellationToken)
    {
        ProbeLocation? location;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            location = await db.ProbeLocations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == locationId, cancellationToken);
        }
        if (location is null) return ProbeLocationService.NotFound<LaunchedAgentDto>(locationId);
        if (location.IsConsole)
            return SettingsResult<LaunchedAgentDto>.Fail(SettingsOutcome.Conflict, $"{location.Name} is served by the console's own nodes: agents need a location of their own.");

        // Every field is checked before anything is made: a refused launch leaves no token and no parameter behind.
        var errors = new Dictionary<string, string[]>();
        var region = Trimmed(request.Region) ?? location.Region;
        var agentName = Trimmed(request.AgentName);
        if (agentName is not null && (agentName.Length > AgentProtocol.MaxAgentNameLength || agentName.Any(char.IsControl)))
            errors["agentName"] = [$"At most {AgentProtocol.MaxAgentNameLength} characters, no control characters; empty: the instance's host name."];
        var serverUrl = Trimmed(request.ServerUrl) ?? Trimmed(probes.CurrentValue.AgentServerUrl) ?? Trimmed(consoleAddress);
        if (serverUrl is null || !Uri.TryCreate(serverUrl, UriKind.Absolute, out var server) || server.Scheme != Uri.UriSchemeHttps || server.IsLoopback)
            errors["serverUrl"] = ["The console's https:// address as the instance reaches it (the agent sends its token there; a loopback address is this machine's own)."];
        var machine = new TemplateInput
        {
            Region = region, AmiId = Trimmed(request.AmiId), InstanceType = Trimmed(request.InstanceType) ?? DefaultInstanceType,
            SubnetId = Trimmed(request.SubnetId), IamInstanceProfile = Trimmed(request.IamInstanceProfile),
        };
        if (region is null) errors["region"] = [$"A region is required: {location.Name} names none."];
        else
        {
            foreach (var (field, messages) in await validator.ValidateInstanceAsync(machine, [], cancellationToken)) errors[field] = messages;
        }
        if (errors.Count > 0) return SettingsResult<LaunchedAgentDto>.Invalid(errors);

        WatchedRegion watched;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            watched = await db.Regions.AsNoTracking().FirstAsync(r => r.Code == region, cancellationToken);
        }

        // From here on, the change is finished whatever happens to the request: no half-made launch.
        var when = time.GetUtcNow().UtcDateTime;
        var tokenName = $"launched {agentName ?? "agent"} {when:yyyy-MM-dd HH:mm:ss}";
        var made = await tokens.CreateAsync(locationId, new LocationTokenRequest(tokenName), caller, CancellationToken.None);
        if (made.Value is not { } token) return SettingsResult<LaunchedAgentDto>.Fail(made.Outcome, made.Message ?? "The token could not be made.");

        var parameterName = ParameterName(location.Id, location.Name, token.Id);
        var ssm = aws.Ssm(watched.Code, watched.ServiceUrl);
        try
        {
            await ssm.PutParameterAsync(new PutParameterRequest
            {
                Name = parameterName,
                Type = ParameterType.SecureString, // encrypted with the account's aws/ssm key
                Value = token.Token,
                Description = $"Probe agent token {token.Id} of location {location.Id}, made by {caller.Name} on {when:u}",
                Tags = [.. Tags(location, token.Id).Select(t => new Tag { Key = t.Key, Value = t.Value })],
            }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            var reason = AwsErrors.Describe(ex);
            logger.LogWarning("{Actor} could not store probe agent token {TokenId} in {Parameter} ({Region}): {Reason}",
                caller.Name, token.Id, parameterName, watched.Code, reason);
            await RollBackAsync(locationId, token.Id, null, null, caller);
            return SettingsResult<LaunchedAgentDto>.Fail(AwsErrors.IsRefusal(ex) ? SettingsOutcome.Conflict : SettingsOutcome.UpstreamFailed,
                $"SSM Parameter Store did not take the token ({reason}); nothing was launched.");
        }

        var userData = AgentUserData.Script(new AgentBootSettings(serverUrl!, location.Name, agentName, watched.Code, parameterName,
            Trimmed(probes.CurrentValue.AgentPackageUrl)));
        var outcome = await instances.LaunchAsync(new InstanceLaunchInput
        {
            Name = agentName ?? $"probe-agent {location.Name}",
            Region = watched.Code, AmiId = machine.AmiId, InstanceType = machine.InstanceType, SubnetId = machine.SubnetId,
            IamInstanceProfile = machine.IamInstanceProfile, UserData = userData, Tags = Tags(location, token.Id),
        }, caller, CancellationToken.None);
        if (!outcome.Succeeded)
        {
            await RollBackAsync(locationId, token.Id, ssm, parameterName, caller);
            if (outcome.Errors is { Count: > 0 } launchErrors) return SettingsResult<LaunchedAgentDto>.Invalid(launchErrors.ToDictionary());
            return SettingsResult<LaunchedAgentDto>.Fail(outcome.Status switch
            {
                ActionStatus.Refused => SettingsOutcome.Conflict,
                ActionStatus.NotFound => SettingsOutcome.NotFound,
                _ => SettingsOutcome.UpstreamFailed,
            }, $"{outcome.Message} The token was revoked and its parameter deleted.");
        }
        logger.LogInformation("{Actor} launched probe agent {InstanceId} for location {LocationId} with token {TokenId} in {Parameter}",
            caller.Name, outcome.InstanceId, location.Id, token.Id, parameterName);
        return SettingsResult<LaunchedAgentDto>.Ok(
            new LaunchedAgentDto(outcome.InstanceId!, watched.Code, machine.SubnetId!, parameterName, token.Id, token.Name, agentName, serverUrl!),
            $"Launched {outcome.InstanceId}: its agent reads token {token.Name} from {parameterName} at boot and should appear here within minutes.");
    }

    /// <summary>Undoes a launch that did not happen: the token is revoked (so it is good for nothing) and its parameter deleted.</summary>
    private async Task RollBackAsync(int locationId, int tokenId, IAmazonSimpleSystemsManagement? ssm, string? parameterName, Caller caller)
    {
        await tokens.RevokeAsync(locationId, tokenId, caller, CancellationToken.None);
        if (ssm is null || parameterName is null) return;
        try
        {
            await ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = parameterName }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The token in it is revoked already, so what is left is a dead value; say where it is.
            logger.LogWarning("Could not delete parameter {Parameter} of revoked probe agent token {TokenId}: {Reason}", parameterName, tokenId, AwsErrors.Describe(ex));
        }
    }

    /// <summary>The tags the parameter and the instance carry, so either leads to the other and to the location.</summary>
    private static Dictionary<string, string> Tags(ProbeLocation location, int tokenId) => new(StringComparer.Ordinal)
    {
        ["blazor-aws-console:role"] = "probe-agent",
        ["blazor-aws-console:probe-location-id"] = location.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Tag values allow letters, digits, spaces and _.:/=+-@ only.
        ["blazor-aws-console:probe-location"] = new string([.. location.Name.Select(c => char.IsLetterOrDigit(c) || c == ' ' || "_.:/=+-@".Contains(c) ? c : '_')]),
        ["blazor-aws-console:token-id"] = tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
