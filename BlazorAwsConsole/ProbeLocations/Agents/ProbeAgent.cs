using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using BlazorAwsConsole.ProbeLocations.Agents.Runtime;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// The probe agent's connection to the console: dials out to the agents' hub with its location's token, stays
/// connected (SignalR's automatic reconnect with <see cref="AgentBackoff"/>, never giving up), and says in its log
/// when it connects, loses the console, is refused and why (the console's problem details), and comes back. Over it the
/// console sends the agent's tests (<see cref="AgentProtocol.TestsChangedMethod"/>, applied to <see cref="AgentTestTimers"/>),
/// and the agent sends its spooled results in acknowledged batches, oldest first, whenever it is connected.
/// </summary>
public sealed class ProbeAgent(ProbeAgentOptions options, AgentTestTimers timers, AgentSpool spool, TimeProvider time, ILogger<ProbeAgent> logger)
    : BackgroundService
{
    // When the connection to the console was lost, in UTC ticks (0 while connected or before the first connection): the
    // fence's clock. Set from the connection's events, read by the fence loop.
    private long _lostAt;

    private void Lost() => Interlocked.CompareExchange(ref _lostAt, time.GetUtcNow().UtcTicks, 0);

    private void Back() => Interlocked.Exchange(ref _lostAt, 0);

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
            Lost();
            logger.LogWarning("Lost the console at {Server}: {Reason}; reconnecting", options.Server, error?.Message ?? "the connection closed");
            return Task.CompletedTask;
        };
        connection.Reconnected += _ =>
        {
            Back();
            logger.LogInformation("Reconnected to the console at {Server} as {Agent} of {Location}", options.Server, options.Name, options.Location);
            return Task.CompletedTask;
        };
        connection.Closed += error =>
        {
            Lost();
            if (error is not null) LogFailure(error, "closed");
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        connection.On<AgentTestsChange>(AgentProtocol.TestsChangedMethod, timers.Apply);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sender = SendResultsAsync(connection, sending.Token);
        var fence = FenceAsync(sending.Token);
        logger.LogInformation("Probe agent {Agent} {Version} of {Location} dialling {Server} (spool limit {SpoolLimit} results)",
            options.Name, options.Version, options.Location, options.Server, options.SpoolLimit);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await connection.StartAsync(stoppingToken);
                failures = 0;
                Back();
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
        await sending.CancelAsync();
        await sender;
        await fence;
        logger.LogInformation("Probe agent {Agent} stopping; {Spooled} results not sent", options.Name, spool.Count);
    }

    /// <summary>
    /// While connected: the oldest spooled results in batches of <see cref="AgentProtocol.ResultsPerBatch"/>; a batch leaves the
    /// spool when the console acknowledged it. A batch whose answer was lost is sent again; the console stores it once.
    /// </summary>
    private async Task SendResultsAsync(HubConnection connection, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = spool.Oldest(AgentProtocol.ResultsPerBatch);
                if (batch.Count == 0 || connection.State != HubConnectionState.Connected)
                {
                    await spool.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }
                var sent = new AgentResultBatch(Guid.NewGuid().ToString("n"), batch, Math.Max(0, spool.Count - batch.Count), spool.Dropped);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                var ack = await connection.InvokeAsync<AgentAck>(AgentProtocol.ReportResultsMethod, sent, timeout.Token);
                spool.Acknowledged(batch[^1].Sequence);
                if (ack.Refused > 0)
                {
                    logger.LogWarning("The console refused {Refused} of {Count} results: {Reasons}", ack.Refused, batch.Count, string.Join("; ", ack.Refusals));
                }
                logger.LogDebug("Batch {BatchId}: {Stored} stored, {Duplicates} stored already", ack.BatchId, ack.Stored, ack.Duplicates);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                // The console went away mid-call, or refused the batch: the results stay spooled and go again once it is back.
                logger.LogWarning("Sending results failed ({Spooled} spooled): {Reason}", spool.Count, error.GetBaseException().Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Self-fencing: when the console said this agent's tests may move (another node could give them to another agent of the
    /// location), the agent stops running them <see cref="AgentProtocol.FenceAfter"/> after losing the console, before its
    /// row goes stale and they move; otherwise (one node, or the location's only agent) it keeps running and spooling.
    /// </summary>
    private async Task FenceAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await tick.WaitForNextTickAsync(stoppingToken))
            {
                var lostAt = Interlocked.Read(ref _lostAt);
                if (lostAt != 0 && timers.MayMove && timers.Count > 0 && time.GetUtcNow().UtcTicks - lostAt >= AgentProtocol.FenceAfter.Ticks) timers.Fence();
            }
        }
        catch (OperationCanceledException)
        {
            // The agent is stopping.
        }
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
