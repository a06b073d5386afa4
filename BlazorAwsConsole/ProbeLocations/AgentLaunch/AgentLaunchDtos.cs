namespace BlazorAwsConsole.ProbeLocations.AgentLaunch;

/// <summary>
/// POST /api/probe-locations/{id}/agents/launch. Region defaults to the location's; an empty subnet is the region's
/// default subnet; serverUrl defaults to Probes:AgentServerUrl, else the address the request reached the console at.
/// </summary>
public sealed record AgentLaunchRequest(
    string? Region, string? SubnetId, string? InstanceType, string? AmiId, string? IamInstanceProfile, string? AgentName, string? ServerUrl);

/// <summary>A launched agent: its instance, the parameter holding its token, and the token's id (never the token).</summary>
public sealed record LaunchedAgentDto(
    string InstanceId, string Region, string SubnetId, string ParameterName, int TokenId, string TokenName, string? AgentName, string ServerUrl);
