using BlazorAwsConsole.Probes;
using Npgsql;

namespace BlazorAwsConsole.Cluster;

/// <summary>Where members renew their rows and read each other's.</summary>
public interface IMemberStore
{
    /// <summary>
    /// Upserts this member's row (the database's now()), prunes long-dead rows, and returns every row with the database's now.
    /// A row of this name held by another start that is still live is left alone (it comes back with that start's id).
    /// </summary>
    Task<(IReadOnlyList<ClusterMember> Rows, DateTime Now)> RenewAsync(ClusterMembership self, CancellationToken cancellationToken);

    /// <summary>Removes this member's row as it stops, so the others take its tests over at their next read.</summary>
    Task LeaveAsync(ClusterMembership self, CancellationToken cancellationToken);
}

/// <summary>SQLite: one node, the only member; nothing to store.</summary>
public sealed class SingleMemberStore(TimeProvider time) : IMemberStore
{
    public Task<(IReadOnlyList<ClusterMember> Rows, DateTime Now)> RenewAsync(ClusterMembership self, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        IReadOnlyList<ClusterMember> rows = [new() { NodeName = self.Self, StartId = self.StartId, Location = self.Location, StartedAt = self.StartedAt.UtcDateTime,
            LastHeartbeat = now, TestsOwned = self.TestsOwned, RunsPerMinute = self.RunsPerMinute }];
        return Task.FromResult((rows, now));
    }

    public Task LeaveAsync(ClusterMembership self, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>PostgreSQL: the ClusterMembers table, every time taken from the database's clock, so node clock skew does not matter.</summary>
public sealed class PostgresMemberStore(IConfiguration configuration) : IMemberStore
{
    private readonly string _connectionString = configuration.GetConnectionString("Console")!;

    public async Task<(IReadOnlyList<ClusterMember> Rows, DateTime Now)> RenewAsync(ClusterMembership self, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var timeout = Math.Max(1, (int)Math.Ceiling(self.Heartbeat.TotalSeconds));
        await using var batch = new NpgsqlBatch(connection);
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO "ClusterMembers" ("NodeName", "StartId", "Location", "StartedAt", "LastHeartbeat", "TestsOwned", "RunsPerMinute")
            VALUES (@name, @start, @location, now(), now(), @owned, @runs)
            ON CONFLICT ("NodeName") DO UPDATE SET "StartId" = excluded."StartId", "Location" = excluded."Location",
                "StartedAt" = CASE WHEN "ClusterMembers"."StartId" = excluded."StartId" THEN "ClusterMembers"."StartedAt" ELSE now() END,
                "LastHeartbeat" = now(), "TestsOwned" = excluded."TestsOwned", "RunsPerMinute" = excluded."RunsPerMinute"
            -- Two live processes with one name would be one member running everything twice: the name stays with the
            -- start that holds it until that one is dead (or leaves).
            WHERE "ClusterMembers"."StartId" = excluded."StartId" OR "ClusterMembers"."LastHeartbeat" < now() - make_interval(secs => @timeout)
            """);
        upsert.Parameters.AddWithValue("name", self.Self);
        upsert.Parameters.AddWithValue("start", self.StartId);
        upsert.Parameters.AddWithValue("location", self.Location);
        upsert.Parameters.AddWithValue("owned", self.TestsOwned);
        upsert.Parameters.AddWithValue("runs", self.RunsPerMinute);
        upsert.Parameters.AddWithValue("timeout", self.MemberTimeout.TotalSeconds);
        batch.BatchCommands.Add(upsert);
        // Dead rows are pruned after ten timeouts: the Cluster page can say a node is gone for a while before its row goes.
        var prune = new NpgsqlBatchCommand("""DELETE FROM "ClusterMembers" WHERE "LastHeartbeat" < now() - make_interval(secs => @prune)""");
        prune.Parameters.AddWithValue("prune", 10 * self.MemberTimeout.TotalSeconds);
        batch.BatchCommands.Add(prune);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT "NodeName", "StartId", "Location", "StartedAt", "LastHeartbeat", "TestsOwned", "RunsPerMinute", now() FROM "ClusterMembers"
            """));
        batch.Timeout = timeout;
        var rows = new List<ClusterMember>();
        var now = DateTime.MinValue;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ClusterMember
            {
                NodeName = reader.GetString(0), StartId = reader.GetString(1), Location = reader.GetString(2),
                StartedAt = reader.GetDateTime(3), LastHeartbeat = reader.GetDateTime(4), TestsOwned = reader.GetInt32(5), RunsPerMinute = reader.GetDouble(6),
            });
            now = reader.GetDateTime(7);
        }
        return (rows, now);
    }

    public async Task LeaveAsync(ClusterMembership self, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""DELETE FROM "ClusterMembers" WHERE "NodeName" = @name AND "StartId" = @start""", connection);
        command.Parameters.AddWithValue("name", self.Self);
        command.Parameters.AddWithValue("start", self.StartId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// Renews this node's membership every Cluster:HeartbeatSeconds and re-reads the members; when the live list changes
/// (a join, a death, this node fencing itself or coming back), the test timers are re-balanced at once. Fencing is
/// checked on a timer of its own, so a renewal stuck on a dead connection cannot delay it.
/// </summary>
/// <remarks>
/// A node's name is its identity in the assignment, so two live processes with one Cluster:NodeName would both run that
/// member's tests. The first renewal happens as the node starts: a name held by another live start refuses the start
/// (<see cref="NodeNameTakenException"/>). A name taken later (this node was cut off longer than the member timeout and
/// another process took the name meanwhile) counts as a failed renewal: this node fences itself and stays fenced.
/// </remarks>
public sealed class MembershipHeartbeat(ClusterMembership membership, IMemberStore store, ProbeScheduler tests, TimeProvider time,
    ILogger<MembershipHeartbeat> logger) : BackgroundService
{
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    /// <summary>
    /// Renews once before the node is up. A name another start holds is waited for up to the member timeout and a heartbeat:
    /// a process restarted after a crash finds its own old row, which goes stale within the timeout, and takes the name then
    /// (running nothing meanwhile); a name whose holder keeps renewing refuses the start. An unreachable database only logs.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var waited = time.GetTimestamp();
        while (true)
        {
            try
            {
                await RenewAsync(cancellationToken);
                break;
            }
            catch (NodeNameTakenException taken) when (time.GetElapsedTime(waited) < membership.MemberTimeout + membership.Heartbeat)
            {
                if (time.GetElapsedTime(waited) < membership.Heartbeat)
                {
                    logger.LogWarning("Cluster node {Node}: another start ({Other}) holds this name; waiting up to {Seconds} s for it to stop renewing",
                        membership.Self, taken.OtherStartId, (membership.MemberTimeout + membership.Heartbeat).TotalSeconds);
                }
                await Task.Delay(membership.Heartbeat, time, cancellationToken);
            }
            catch (NodeNameTakenException taken)
            {
                logger.LogCritical("Cluster node refuses to start: {Reason}", taken.Message);
                throw;
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Cluster node {Node} could not renew its heartbeat as it started: {Error}", membership.Self, error.Message);
                break;
            }
        }
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(RenewLoopAsync(stoppingToken), FenceLoopAsync(stoppingToken));

    private async Task RenewLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(membership.Heartbeat, time);
        do
        {
            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                if (time.GetUtcNow() - _lastWarning > TimeSpan.FromSeconds(30))
                {
                    _lastWarning = time.GetUtcNow();
                    logger.LogWarning("Cluster node {Node} could not renew its heartbeat: {Error}", membership.Self, error.Message);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        var sent = time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(membership.Heartbeat);
        var (rows, now) = await store.RenewAsync(membership, deadline.Token);
        if (rows.FirstOrDefault(r => r.NodeName == membership.Self) is { } own && own.StartId != membership.StartId)
        {
            throw new NodeNameTakenException(membership.Self, own.StartId, membership.StartId);
        }
        var wasFenced = membership.LastHeartbeat is not null && membership.IsFenced;
        if (membership.Renewed(sent, rows, now))
        {
            if (wasFenced) logger.LogWarning("Cluster node {Node} renewed its heartbeat again and rejoins: it runs its tests after the settle time", membership.Self);
            logger.LogInformation("Cluster members now {Members}: re-balancing the tests", string.Join(", ", membership.View.Live));
            await tests.ReconcileAsync(stoppingToken);
        }
    }

    private async Task FenceLoopAsync(CancellationToken stoppingToken)
    {
        if (membership.Single) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!membership.FenceIfDue()) continue;
            logger.LogWarning("Cluster node {Node} has not renewed its heartbeat for {Seconds} s: it fences itself and runs no test until it renews",
                membership.Self, membership.FenceTime.TotalSeconds);
            try
            {
                await tests.ReconcileAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(error, "Could not stop the fenced node's test timers (the probe job refuses every run while fenced)");
            }
        }
    }

    /// <summary>A node that stops stops its timers first, then leaves, so the others take its tests over at once without a double run.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await tests.StopAsync(cancellationToken);
            await store.LeaveAsync(membership, cancellationToken);
        }
        catch (Exception error)
        {
            logger.LogWarning("Cluster node {Node} could not leave the member list ({Error}); the others take over after the member timeout", membership.Self, error.Message);
        }
    }
}

/// <summary>Another live process holds this node's name (Cluster:NodeName) in the member list.</summary>
public sealed class NodeNameTakenException(string name, string otherStartId, string ownStartId) : InvalidOperationException(
    $"Another live cluster node is named '{name}' (start id {otherStartId}); this process (start id {ownStartId}) does not start under the same " +
    "name, since two nodes with one name would run the same tests twice. Give each node its own Cluster:NodeName, or stop the other one " +
    "(its name is free again once it leaves, or when it misses its heartbeats for Cluster:MemberTimeoutSeconds).")
{
    public string OtherStartId { get; } = otherStartId;
}
