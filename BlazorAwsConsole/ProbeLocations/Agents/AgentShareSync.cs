using System.Threading.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// Keeps this node's agents' shares current (<see cref="AgentShares.RecomputeAsync"/>): at once when a test changes on any
/// node (<see cref="SyntheticTestChanged"/>: saves here, and other nodes' saves relayed by the cluster notices) or agents
/// come and go anywhere (<see cref="ProbeLocationsChanged"/>), and every agents' heartbeat anyway, so a lost notice or an
/// agent row gone stale (its node died) only delays.
/// </summary>
public sealed class AgentShareSync(AgentShares shares, LiveFeed feed, ILogger<AgentShareSync> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tests = feed.Subscribe<SyntheticTestChanged>(_ => Wake());
        using var agents = feed.Subscribe<ProbeLocationsChanged>(_ => Wake());
        while (!stoppingToken.IsCancellationRequested)
        {
            using var beat = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            beat.CancelAfter(AgentProtocol.HeartbeatInterval);
            try
            {
                await _wake.Reader.ReadAsync(beat.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed without a change: recompute anyway.
            }
            catch (OperationCanceledException)
            {
                break;
            }
            try
            {
                await shares.RecomputeAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Recomputing the probe agents' tests failed; trying again in {Seconds} s", AgentProtocol.HeartbeatInterval.TotalSeconds);
            }
        }
    }

    private Task Wake()
    {
        _wake.Writer.TryWrite(true);
        return Task.CompletedTask;
    }
}
