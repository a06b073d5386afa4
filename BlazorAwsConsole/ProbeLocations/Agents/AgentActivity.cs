namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// What the node holding an agent's connection knows of its work: the tests it gave it (<see cref="AgentShares"/>), and
/// from its last batch (<see cref="AgentResultIntake"/>) the results still in its spool and when a result was last stored.
/// </summary>
public sealed class AgentActivity
{
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
}
