using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// One test as an agent receives it: the run's spec (<see cref="SyntheticTest.ToSpec"/>, without an SSM instance and with
/// the agent's own link-local allow-list put in on its side), how often it runs, and the test's version
/// (<see cref="UpdatedAt"/>). <see cref="StartDelayMs"/>: a test new to the agent runs from its first aligned time after
/// this delay (the settle time when it moves from an agent that is still live, 0 when taken from a dead one); an agent
/// already running the test keeps its rhythm.
/// </summary>
public sealed record AgentTest(int Id, int FrequencySeconds, DateTime UpdatedAt, ProbeSpec Spec, int StartDelayMs)
{
    public static AgentTest From(SyntheticTest test, TimeSpan startDelay) => new(test.Id, test.FrequencySeconds, test.UpdatedAt,
        test.ToSpec([]) with { SourceInstanceId = null, SourceRegion = null }, (int)startDelay.TotalMilliseconds);
}

/// <summary>
/// What the console sends an agent (<see cref="AgentProtocol.TestsChangedMethod"/>): on each connection first the full
/// list of its tests (<see cref="Full"/>: whatever it holds that is not in <see cref="Upserts"/> goes), then only the
/// tests added or updated and the ids of those it no longer runs (deleted, paused, moved to another agent).
/// <see cref="MayMove"/>: another member could be given the agent's tests while it cannot reach the console (the cluster
/// has more than one live node and the location has other live agents), so the agent stops running them
/// <see cref="AgentProtocol.FenceAfter"/> after losing the console; when false (one node, or the location's only agent)
/// nobody else would run them and the agent keeps running and spooling.
/// </summary>
public sealed record AgentTestsChange(bool Full, IReadOnlyList<AgentTest> Upserts, IReadOnlyList<int> Deletes, bool MayMove = false);

/// <summary>One run an agent made: the test, the aligned fire time it was due at, how late it started, and what it found.</summary>
public sealed record AgentResult(long Sequence, int TestId, DateTimeOffset ScheduledAt, double? StartLagMs, ProbeOutcome Outcome)
{
    /// <summary>A run as the agent keeps it: capped as a stored run is (<see cref="ProbeResult.From"/>), so the spool holds no more than the console stores.</summary>
    public static AgentResult Of(int testId, DateTimeOffset scheduledAt, double? startLagMs, ProbeOutcome outcome) => new(0, testId, scheduledAt, startLagMs,
        outcome with
        {
            Reason = Infrastructure.Truncation.Text(outcome.Reason, ProbeResult.MaxReasonChars),
            Http = outcome.Http?.Capped(),
            Dns = outcome.Dns?.Capped(),
            Tls = outcome.Tls?.Capped(),
        });
}

/// <summary>
/// Results the agent reports in one call (<see cref="AgentProtocol.ReportResultsMethod"/>), oldest first, with how many
/// stay in its spool after this batch and how many its spool ever dropped.
/// </summary>
public sealed record AgentResultBatch(string BatchId, IReadOnlyList<AgentResult> Results, int Spooled, long Dropped);

/// <summary>
/// The console's answer to a batch: results stored, results that were stored already (a batch sent again after a lost
/// answer), results refused and why (not this location's test, not assigned to this agent, out of range). Every result
/// of an acknowledged batch is settled: the agent drops the batch from its spool.
/// </summary>
public sealed record AgentAck(string BatchId, int Stored, int Duplicates, int Refused, IReadOnlyList<string> Refusals);
