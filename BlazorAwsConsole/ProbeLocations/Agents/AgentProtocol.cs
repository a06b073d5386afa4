using System.Reflection;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// What the console and its probe agents agree on: where the hub is, what an agent says about itself when it dials in
/// (query parameters of the hub's URL, so a location name may hold any character), and the oldest agent the console takes.
/// The agent sends its location's token as a bearer token (SignalR's AccessTokenProvider), never in the URL.
/// </summary>
public static class AgentProtocol
{
    public const string HubPath = "/agents/hub";
    public const string LocationParameter = "location";
    public const string AgentParameter = "agent";
    public const string VersionParameter = "version";

    /// <summary>A random id per agent process: the same agent dialling in again takes its own registration over at once.</summary>
    public const string InstanceParameter = "instance";

    public const int MaxAgentNameLength = 100;

    /// <summary>Console → agent: <see cref="AgentTestsChange"/>.</summary>
    public const string TestsChangedMethod = "TestsChanged";

    /// <summary>Agent → console: <see cref="AgentResultBatch"/>, answered with <see cref="AgentAck"/>.</summary>
    public const string ReportResultsMethod = "ReportResults";

    /// <summary>The most results one batch may hold; the agent sends <see cref="ResultsPerBatch"/>.</summary>
    public const int MaxResultsPerBatch = 1000;

    public const int ResultsPerBatch = 200;

    /// <summary>The largest message the agents' hub takes (a batch of results with their details).</summary>
    public const long MaxMessageBytes = 8 * 1024 * 1024;

    /// <summary>This build's version (the console's and the agent's: they are one executable).</summary>
    public static Version CurrentVersion { get; } = typeof(AgentProtocol).Assembly.GetName().Version ?? new Version(0, 0);

    /// <summary>The oldest agent this console takes: its own major.minor. Hub messages may change between minor versions.</summary>
    public static Version MinimumVersion { get; } = new(CurrentVersion.Major, CurrentVersion.Minor);

    public static string CurrentVersionText { get; } =
        typeof(AgentProtocol).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? CurrentVersion.ToString(3);

    /// <summary>Agents not seen (heartbeat of the node that holds them) for this long are gone: their node stopped without saying so.</summary>
    public static readonly TimeSpan GoneAfter = TimeSpan.FromSeconds(30);

    /// <summary>How often each node marks its agents as still connected and re-checks their tokens.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An agent whose tests may move (<see cref="AgentTestsChange.MayMove"/>) stops running them this long after losing the
    /// console: before its row goes stale (<see cref="GoneAfter"/> after its node's last renewal, at most a heartbeat before
    /// the loss) and another node gives them to another agent, so a test is never run by both.
    /// </summary>
    // Declared after GoneAfter and HeartbeatInterval: static fields initialize in order.
    public static readonly TimeSpan FenceAfter = GoneAfter - 2 * HeartbeatInterval;
}
