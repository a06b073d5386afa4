using System.Threading.Channels;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// Every <see cref="AgentProtocol.HeartbeatInterval"/>, and at once when a location or token changes anywhere in the
/// cluster (<see cref="ProbeLocationsChanged"/>, relayed between nodes by the probe-locations notice): cuts off this
/// node's agents whose token is no longer good (revoked, or past its rotation overlap) or whose row was taken over,
/// renews the rest, and removes rows of agents whose node stopped renewing them. A lost notice only delays a cut-off
/// to the next beat.
/// </summary>
public sealed class AgentHeartbeat(AgentRegistry registry, LocationTokenService tokens, LiveFeed feed, ILogger<AgentHeartbeat> logger)
    : BackgroundService, IHostedLifecycleService
{
    // The host's stop starts with StoppingAsync, before the server stops: from then on this node's agents' rows are left to go
    // stale rather than deleted as their connections close (see AgentRegistry.UnregisterAsync).
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        registry.MarkStopping();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = feed.Subscribe<ProbeLocationsChanged>(_ =>
        {
            _wake.Writer.TryWrite(true);
            return Task.CompletedTask;
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Probe agents' heartbeat failed; trying again in {Seconds} s", AgentProtocol.HeartbeatInterval.TotalSeconds);
            }
            using var beat = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            beat.CancelAfter(AgentProtocol.HeartbeatInterval);
            try
            {
                await _wake.Reader.ReadAsync(beat.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed without a change: beat anyway.
            }
        }
    }

    internal async Task BeatAsync(CancellationToken cancellationToken)
    {
        var local = registry.Local;
        var valid = await tokens.StillValidAsync([.. local.Select(a => a.Identity.Token.TokenId).Distinct()], cancellationToken);
        var keep = new List<AgentRegistry.LocalAgent>();
        foreach (var agent in local)
        {
            if (valid.Contains(agent.Identity.Token.TokenId)) keep.Add(agent);
            else await registry.CutOffAsync(agent, $"token {agent.Identity.Token.TokenName} was revoked or has expired", cancellationToken);
        }
        foreach (var agent in await registry.RenewAsync(keep, cancellationToken))
            await registry.CutOffAsync(agent, "its registration was taken over by a newer connection of the same agent, or dropped as stale", cancellationToken);
        await registry.RemoveGoneAsync(cancellationToken);
    }
}
