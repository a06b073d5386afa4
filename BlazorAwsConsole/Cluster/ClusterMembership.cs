using BlazorAwsConsole.Probes;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The live members as this node last read them, and when that list last changed (a re-balance). <see cref="Live"/> holds
/// the members probing from this node's location, among which its tests are shared; <see cref="AllLive"/> every live member.
/// </summary>
public sealed record MemberView(IReadOnlyList<string> Live, IReadOnlyList<ClusterMember> Rows, DateTimeOffset ChangedAt, IReadOnlyList<string> PreviousLive)
{
    public static readonly MemberView None = new([], [], DateTimeOffset.MinValue, []);

    public IReadOnlyList<string> AllLive { get; init; } = Live;

    /// <summary>
    /// A test that comes to this node now took over from a dead member (its owner in the previous list is not live any
    /// more): that member fenced itself before it was declared dead, so the test may run at its next aligned time.
    /// Otherwise (a join, this node starting or rejoining) its old owner may still run it until it reads the list: settle first.
    /// </summary>
    public bool TakenFromDead(int testId) => TestAssignment.Owner(testId, PreviousLive) is { } before && !Live.Contains(before, StringComparer.Ordinal);
}

/// <summary>
/// This node's membership of the cluster: the live member list it last read, whether it is fenced, and which tests it
/// owns (<see cref="TestAssignment"/>). Written by <see cref="MembershipHeartbeat"/>; read by the test timers
/// (<see cref="ProbeScheduler"/>), the probe job at every fire, the Cluster page and <c>/api/cluster</c>.
/// </summary>
/// <remarks>
/// Fencing: a node stops running tests once it has not renewed its own heartbeat for the fencing time,
/// Cluster:MemberTimeoutSeconds − 2 × Cluster:HeartbeatSeconds (9 s by default). The others call it dead only when its row is
/// older than the timeout by the database's clock (15 s), learn it at their next read (up to one heartbeat later) and
/// run its tests from their next aligned time after that; the fencing time is counted from when the last successful renewal was
/// sent, which is no later than the database time it stored, so the node has stopped at least two heartbeats before
/// anyone else can start. Settle time, when a test moves from a member that is still live (a join, a node starting or
/// rejoining after it fenced itself): 2 × heartbeat. The old owner stops the moment it reads the new list, at most one
/// heartbeat after the new owner read it, so a new owner that waits longer than one heartbeat starts after the old one
/// stopped (the second heartbeat covers a read delayed by load). A test taken from a dead member needs no settle time.
/// </remarks>
public sealed class ClusterMembership
{
    private readonly IOptions<ClusterOptions> _options;
    private readonly TimeProvider _time;
    private readonly Infrastructure.MinuteCounter _runs;
    private MemberView _view = MemberView.None;
    private long _renewedTimestamp; // TimeProvider timestamp of the last successful renewal's send; 0: never
    private volatile bool _fenced = true;
    private int _testsOwned;

    public ClusterMembership(IOptions<ClusterOptions> options, IOptions<ProbeOptions> probes, TimeProvider time, IConfiguration configuration)
    {
        _options = options;
        _time = time;
        _runs = new Infrastructure.MinuteCounter(time);
        Self = options.Value.EffectiveNodeName;
        Location = probes.Value.LocationName;
        Single = Infrastructure.InfrastructureFeature.ProviderOf(configuration) != Infrastructure.DatabaseProvider.Postgres;
        StartedAt = time.GetUtcNow();
    }

    public string Self { get; }
    public string StartId { get; } = Guid.NewGuid().ToString("n");
    public string Location { get; }
    public DateTimeOffset StartedAt { get; }

    /// <summary>SQLite: one node, the only member; never fenced, no settle time (no other member could run a test).</summary>
    public bool Single { get; }

    public TimeSpan Heartbeat => TimeSpan.FromSeconds(_options.Value.HeartbeatSeconds);
    public TimeSpan MemberTimeout => TimeSpan.FromSeconds(_options.Value.MemberTimeoutSeconds);
    public TimeSpan FenceTime => MemberTimeout - 2 * Heartbeat;
    public TimeSpan Settle => Single ? TimeSpan.Zero : 2 * Heartbeat;

    public MemberView View => Volatile.Read(ref _view);

    /// <summary>When the live member list last changed on this node (its last re-balance).</summary>
    public DateTimeOffset LastRebalance => View.ChangedAt;

    /// <summary>When this node's heartbeat was last stored (its own clock), null before the first.</summary>
    public DateTimeOffset? LastHeartbeat { get; private set; }

    /// <summary>
    /// Fenced: the node's last renewal was sent longer than <see cref="FenceTime"/> ago (or it has not renewed yet); it owns
    /// and runs nothing until a renewal succeeds again. Read at every fire, so it takes effect the moment the time passes.
    /// </summary>
    public bool IsFenced
    {
        get
        {
            if (Single) return false;
            var renewed = Interlocked.Read(ref _renewedTimestamp);
            return renewed == 0 || _time.GetElapsedTime(renewed) > FenceTime;
        }
    }

    /// <summary>Whether this node owns <paramref name="testId"/> now: not fenced, and the test's rendezvous owner among the live members.</summary>
    public bool Owns(int testId) => !IsFenced && TestAssignment.Owner(testId, View.Live) == Self;

    /// <summary>The member that runs <paramref name="testId"/> now by this node's member list; null when none is live (or this node is fenced).</summary>
    public string? OwnerOf(int testId) => TestAssignment.Owner(testId, View.Live);

    public int TestsOwned => Volatile.Read(ref _testsOwned);
    public void SetTestsOwned(int count) => Volatile.Write(ref _testsOwned, count);

    public void CountRun() => _runs.Add();
    public double RunsPerMinute => _runs.PerMinute;

    /// <summary>A renewal sent at <paramref name="sentTimestamp"/> succeeded and read <paramref name="rows"/> at the database's <paramref name="databaseNow"/>. True when the live list changed.</summary>
    internal bool Renewed(long sentTimestamp, IReadOnlyList<ClusterMember> rows, DateTime databaseNow)
    {
        Interlocked.Exchange(ref _renewedTimestamp, sentTimestamp);
        LastHeartbeat = _time.GetUtcNow();
        var timeout = MemberTimeout;
        var allLive = rows.Where(r => r.NodeName == Self || databaseNow - r.LastHeartbeat <= timeout).ToList();
        // Tests are shared among the members probing from this node's location; members elsewhere run their location's share.
        var live = Names(allLive.Where(r => r.NodeName == Self || string.Equals(r.Location, Location, StringComparison.OrdinalIgnoreCase)));
        var before = View;
        var changed = _fenced || !before.Live.SequenceEqual(live, StringComparer.Ordinal);
        _fenced = false;
        var view = changed ? new MemberView(live, rows, _time.GetUtcNow(), before.Live) : before with { Live = live, Rows = rows };
        Volatile.Write(ref _view, view with { AllLive = Names(allLive) });
        return changed;
    }

    private List<string> Names(IEnumerable<ClusterMember> members) =>
        members.Select(r => r.NodeName).Append(Self).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The fencing time passed without a renewal: this node owns nothing until it renews. True the first time.</summary>
    internal bool FenceIfDue()
    {
        if (_fenced || !IsFenced) return false;
        _fenced = true;
        Volatile.Write(ref _view, MemberView.None with { ChangedAt = _time.GetUtcNow() });
        return true;
    }
}
