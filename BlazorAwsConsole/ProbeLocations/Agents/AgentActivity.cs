namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// What the node holding an agent's connection knows of its work: the tests it gave it (<see cref="AgentShares"/>), and
/// from its last batch (<see cref="AgentResultIntake"/>) the results still in its spool and when a result was last stored,
/// and how many results it had stored over the last minute. The heartbeat writes it onto the agent's row, so every node shows it.
/// </summary>
public sealed class AgentActivity(TimeProvider time)
{
    private readonly Infrastructure.MinuteCounter _results = new(time);
    private int _testsOwned;
    private int _spooled;
    private long _lastResultTicks;

    public int TestsOwned
    {
        get => Volatile.Read(ref _testsOwned);
        set => Volatile.Write(ref _testsOwned, value);
    }

    public int Spooled
    {
        get => Volatile.Read(ref _spooled);
        set => Volatile.Write(ref _spooled, value);
    }

    /// <summary>When the last result of this agent was accepted (UTC); null before the first.</summary>
    public DateTime? LastResultAt
    {
        get => Interlocked.Read(ref _lastResultTicks) is var ticks and > 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;
        set => Interlocked.Exchange(ref _lastResultTicks, value?.Ticks ?? 0);
    }

    public void CountResults(int stored) => _results.Add(stored);

    public double ResultsPerMinute => _results.PerMinute;
}
