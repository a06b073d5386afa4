using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// The probe agent's connection to the console: dials out to the agents' hub with its location's token, stays
/// connected (SignalR's automatic reconnect with <see cref="AgentBackoff"/>, never giving up), and says in its log
/// when it connects, loses the console, is refused and why (the console's problem details), and comes back. It runs
/// no probes yet: tests and results will flow over this same connection.
/// </summary>
public sealed class ProbeAgent(ProbeAgentOptions options, ILogger<ProbeAgent> logger) : BackgroundService
{
    /// <summary>The agent's connection to the console, as the agent builds it (tests use it to dial in as an agent would).</summary>
    public static HubConnection Connect(ProbeAgentOptions options, IRetryPolicy retry, ILoggerFactory? logging = null)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(options.HubUrl, http =>
            {
                http.AccessTokenProvider = () => Task.FromResult<string?>(options.Token);
                http.HttpMessageHandlerFactory = inner => new AgentRefusedException.Reader { InnerHandler = inner };
                http.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
            })
            .WithAutomaticReconnect(retry);
        if (logging is not null) builder.Services.AddSingleton(logging);
        return builder.Build();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0L;
        await using var connection = Connect(options, new AgentBackoff(retry => LogFailure(retry.RetryReason, "reconnecting")));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnecting += error =>
        {
            logger.LogWarning("Lost the console at {Server}: {Reason}; reconnecting", options.Server, error?.Message ?? "the connection closed");
            return Task.CompletedTask;
        };
        connection.Reconnected += _ =>
        {
            logger.LogInformation("Reconnected to the console at {Server} as {Agent} of {Location}", options.Server, options.Name, options.Location);
            return Task.CompletedTask;
        };
        connection.Closed += error =>
        {
            if (error is not null) LogFailure(error, "closed");
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        logger.LogInformation("Probe agent {Agent} {Version} of {Location} dialling {Server}", options.Name, options.Version, options.Location, options.Server);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await connection.StartAsync(stoppingToken);
                failures = 0;
                logger.LogInformation("Connected to the console at {Server} as {Agent} of {Location}", options.Server, options.Name, options.Location);
                await closed.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogFailure(ex, "connecting");
            }
            var delay = AgentBackoff.Delay(failures++);
            logger.LogInformation("Dialling the console again in {Seconds:F0} s", delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        logger.LogInformation("Probe agent {Agent} stopping", options.Name);
    }

    private void LogFailure(Exception? error, string stage)
    {
        switch (Refusal(error))
        {
            case { } refused:
                logger.LogError("The console refused this agent ({Status} {StatusName}) while {Stage}: {Reason}", (int)refused.Status, refused.Status, stage, refused.Message);
                break;
            case null when error is HubException:
                logger.LogError("The console closed the connection while {Stage}: {Reason}", stage, error.Message);
                break;
            case null when error is not null:
                logger.LogWarning("Cannot reach the console at {Server} while {Stage}: {Reason}", options.Server, stage, error.GetBaseException().Message);
                break;
        }
    }

    private static AgentRefusedException? Refusal(Exception? error) => error switch
    {
        null => null,
        AgentRefusedException refused => refused,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Refusal).FirstOrDefault(r => r is not null),
        _ => Refusal(error.InnerException),
    };
}
