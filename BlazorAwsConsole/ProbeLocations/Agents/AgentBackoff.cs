using Microsoft.AspNetCore.SignalR.Client;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// How long the agent waits before dialling again: 1 s, doubling to <see cref="Cap"/>, each with ±20 % jitter so a
/// fleet of agents cut off together (a console restart) does not come back in step. It never gives up: an agent
/// refused for a revoked token is served again as soon as an Admin gives it a good one, within a minute.
/// </summary>
public sealed class AgentBackoff(Action<RetryContext> onRetry) : IRetryPolicy
{
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        onRetry(retryContext);
        return Delay(retryContext.PreviousRetryCount);
    }

    public static TimeSpan Delay(long previousAttempts)
    {
        var seconds = Math.Min(Cap.TotalSeconds, Math.Pow(2, Math.Min(previousAttempts, 10)));
        return TimeSpan.FromSeconds(Math.Min(Cap.TotalSeconds, seconds * (0.8 + Random.Shared.NextDouble() * 0.4)));
    }
}
