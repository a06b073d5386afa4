using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// How this node signs its notices: its name (for the logs) and an id of this start, so a node knows its own
/// notices even when two nodes were given one name (the default name is only unique per host and process).
/// </summary>
public sealed class NoticeOrigin(IOptions<ClusterOptions> options)
{
    public string Name { get; } = $"{options.Value.EffectiveNodeName}#{Guid.NewGuid().ToString("n")[..8]}";
}
