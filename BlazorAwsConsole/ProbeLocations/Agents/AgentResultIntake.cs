using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.AspNetCore.SignalR;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// Takes an agent's batch of results (untrusted input): the batch's shape is checked (a refusal of the whole batch is a
/// <see cref="HubException"/> the agent logs), then each result — its test must run from the agent's location and be
/// assigned to this agent (or have left it less than an interval ago), its times must be sane; what passes gets the
/// agent's location and name, is capped like every run (<see cref="ProbeResult.From"/>) and goes through the one
/// <see cref="ProbeResultWriter"/> (status board, LiveFeed, alerts). A fire stored already (the batch sent again) is
/// counted as a duplicate. Refused results are in the access log, one line per batch.
/// </summary>
public sealed class AgentResultIntake(AgentShares shares, AgentRegistry registry, ProbeCatalog catalog, ProbeResultWriter writer, ProbeStatusBoard board, AuditLog audit,
    Microsoft.Extensions.Options.IOptionsMonitor<ProbeOptions> probes, TimeProvider time, ILogger<AgentResultIntake> logger)
{
    public const int MaxBatchIdLength = 64;

    /// <summary>How far ahead of the console's clock a scheduled or start time may be (clock skew), and how old a spooled one.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    private const int MaxHops = 64;
    private const int MaxRttsPerHop = 10;
    private const int MaxRefusalsListed = 20;

    public async Task<AgentAck> AcceptAsync(string connectionId, AgentIdentity agent, AgentResultBatch? batch, CancellationToken cancellationToken)
    {
        var who = $"agent:{agent.Name}";
        var target = $"{agent.Token.LocationName} {who}";
        if (batch?.Results is null || string.IsNullOrWhiteSpace(batch.BatchId) || batch.BatchId.Length > MaxBatchIdLength || batch.BatchId.Any(char.IsControl)
            || batch.Results.Count > AgentProtocol.MaxResultsPerBatch)
        {
            const string problem = "A batch has an id of 1 to 64 characters and at most 1000 results.";
            await audit.WriteAsync(who, agent.Address, "probe-agent.report", target, $"refused batch: {problem}", cancellationToken);
            throw new HubException(problem);
        }
        var now = time.GetUtcNow();
        var source = agent.Name.Length > 32 ? agent.Name[..32] : agent.Name;
        var location = Truncation.Text(agent.Token.LocationName, ProbeResult.MaxLocationChars);
        var refusals = new List<string>();
        var pending = new List<TaskCompletionSource<ProbeResult?>>();
        foreach (var result in batch.Results)
        {
            if (Refusal(connectionId, agent, result, now) is { } refusal)
            {
                refusals.Add(refusal);
                continue;
            }
            var test = catalog.Find(result!.TestId)!;
            var outcome = Capped(result.Outcome);
            // Judged here, against this location's previous route, as the engine does for the console's own runs.
            if (outcome.Traceroute is { } trace) outcome = outcome with { Traceroute = trace with { RouteChanged = board.RouteChanged(test.Id, location, trace) } };
            var stored = ProbeResult.From(test.Id, test.Type, outcome, source, result.StartLagMs is { } lag && double.IsFinite(lag) ? lag : null,
                test.DegradedAboveMs, result.ScheduledAt, location);
            var completion = new TaskCompletionSource<ProbeResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
            await writer.WriteAsync(stored, completion, cancellationToken);
            pending.Add(completion);
        }
        // Stored, or found stored already: once the writer has answered every one, the batch is settled.
        var written = await Task.WhenAll(pending.Select(p => p.Task));
        var storedCount = written.Count(r => r is { Id: > 0 });
        if (registry.LocalOf(connectionId)?.Activity is { } activity)
        {
            activity.Spooled = Math.Max(0, batch.Spooled);
            if (storedCount > 0) activity.LastResultAt = now.UtcDateTime;
            activity.CountResults(storedCount);
        }
        if (refusals.Count > 0)
        {
            logger.LogWarning("Probe agent {Agent} of {Location}: {Refused} of {Count} results refused in batch {BatchId}",
                agent.Name, agent.Token.LocationName, refusals.Count, batch.Results.Count, Truncation.Text(batch.BatchId, MaxBatchIdLength));
            await audit.WriteAsync(who, agent.Address, "probe-agent.report", target,
                $"refused {refusals.Count} of {batch.Results.Count} results: {string.Join("; ", refusals.Take(5))}", cancellationToken);
        }
        return new AgentAck(batch.BatchId, storedCount, written.Length - storedCount, refusals.Count, [.. refusals.Take(MaxRefusalsListed)]);
    }

    /// <summary>Why a result is refused; null when it may be stored.</summary>
    private string? Refusal(string connectionId, AgentIdentity agent, AgentResult? result, DateTimeOffset now)
    {
        if (result?.Outcome is null) return "a result without an outcome";
        var id = result.TestId;
        if (catalog.Find(id) is not { } test) return $"test {id}: no such test";
        if (!test.RunsFrom(agent.Token.LocationName, probes.CurrentValue.LocationName))
            return $"test {id}: does not run from location {agent.Token.LocationName}";
        if (!shares.IsAssigned(connectionId, id)) return $"test {id}: not assigned to agent {agent.Name}";
        if (!InRange(result.ScheduledAt, now) || !InRange(result.Outcome.StartedAt, now)) return $"test {id}: scheduled or start time out of range";
        if (!Sane(result.Outcome.DurationMs) || result.Outcome.ResponseTimeMs is { } ms && !Sane(ms)) return $"test {id}: duration out of range";
        return null;
    }

    private static bool InRange(DateTimeOffset at, DateTimeOffset now) => at <= now + MaxAhead && at >= now - MaxAge;

    private static bool Sane(double ms) => double.IsFinite(ms) && ms is >= 0 and <= 24 * 60 * 60 * 1000;

    /// <summary>
    /// The parts <see cref="ProbeResult.From"/> does not cap already (HTTP, DNS and TLS details are capped there): a reason
    /// that is never null, a traceroute of at most 64 hops with short names, a banner of at most 256 characters.
    /// </summary>
    private static ProbeOutcome Capped(ProbeOutcome outcome) => outcome with
    {
        Reason = outcome.Reason ?? "",
        Traceroute = outcome.Traceroute is { } trace ? trace with
        {
            Hops = [.. (trace.Hops ?? []).Where(h => h is not null).Take(MaxHops).Select(h => h with
            {
                Address = Truncation.Text(h.Address, 64),
                HostName = Truncation.Text(h.HostName, 255),
                RttMs = [.. (h.RttMs ?? []).Take(MaxRttsPerHop)],
            })],
        } : null,
        Port = outcome.Port is { } port ? port with { Banner = Truncation.Text(port.Banner, 256) } : null,
    };
}
