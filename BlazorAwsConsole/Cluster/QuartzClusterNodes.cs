using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The nodes of a PostgreSQL cluster: the live members of the ClusterMembers table as this node last read them (one
/// heartbeat ago at most), each with its scheduler check-in from Quartz's scheduler-state table.
/// </summary>
public sealed class QuartzClusterNodes(ISchedulerFactory schedulers, IConfiguration configuration, ClusterMembership membership, TimeProvider time) : IClusterNodes
{
    private readonly string _connectionString = configuration.GetConnectionString("Console")!;

    public async Task<ClusterView> ListAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var checkIns = (await ReadAsync(_connectionString, scheduler.SchedulerName, cancellationToken)).ToDictionary(r => r.Instance, r => r.LastCheckIn);
        var view = membership.View;
        var rows = view.Rows.ToDictionary(r => r.NodeName, StringComparer.Ordinal);
        var nodes = view.AllLive.Select(name =>
        {
            var self = name == membership.Self;
            var row = rows.GetValueOrDefault(name);
            return new ClusterNode(name, checkIns.TryGetValue(name, out var checkIn) ? checkIn : null, self,
                row is null ? null : new DateTimeOffset(DateTime.SpecifyKind(row.LastHeartbeat, DateTimeKind.Utc)),
                self ? membership.TestsOwned : row?.TestsOwned ?? 0,
                self ? membership.RunsPerMinute : row?.RunsPerMinute ?? 0,
                row?.Location ?? membership.Location);
        });
        return new ClusterView(nameof(Infrastructure.DatabaseProvider.Postgres), [.. nodes.OrderBy(n => n.Name, StringComparer.Ordinal)],
            ThisNodeOnly.Rebalance(membership), ThisNodeOnly.SinceRebalance(membership, time));
    }

    /// <summary>Every instance of one scheduler with its last check-in (Quartz stores UTC ticks).</summary>
    internal static async Task<IReadOnlyList<(string Instance, DateTimeOffset LastCheckIn)>> ReadAsync(
        string connectionString, string schedulerName, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT instance_name, last_checkin_time FROM {QuartzSchema.TablePrefix}scheduler_state WHERE sched_name = @name", connection);
        command.Parameters.AddWithValue("name", schedulerName);
        var rows = new List<(string, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero)));
        }
        return rows;
    }
}

/// <summary>
/// On PostgreSQL Quartz's own check-in (a row per node in its scheduler-state table, written by the cluster
/// manager every <see cref="SchedulerSetup.CheckinInterval"/>) is this node's heartbeat: a check-in job cannot
/// be, because in a cluster any node may fire it. This reads the node's own row and records it, so
/// <c>/healthz/ready</c> and the Cluster page say whether this node is checking in.
/// </summary>
public sealed class QuartzCheckInWatcher(ISchedulerFactory schedulers, SchedulerCheckIn checkIn, IConfiguration configuration,
    TimeProvider time, ILogger<QuartzCheckInWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString("Console")!;
        checkIn.Scheduled();
        using var timer = new PeriodicTimer(checkIn.Interval, time);
        do
        {
            try
            {
                var scheduler = await schedulers.GetScheduler(stoppingToken);
                var self = await scheduler.GetSchedulerInstanceId(stoppingToken);
                var rows = await QuartzClusterNodes.ReadAsync(connectionString, scheduler.SchedulerName, stoppingToken);
                // Alive as Quartz itself judges a node: checked in within an interval plus the misfire threshold.
                if (rows.FirstOrDefault(r => r.Instance == self) is { Instance: not null } row
                    && time.GetUtcNow() - row.LastCheckIn <= SchedulerSetup.CheckinInterval + SchedulerSetup.CheckinMisfireThreshold)
                {
                    checkIn.Record();
                }
            }
            catch (Exception error) when (error is NpgsqlException or SchedulerException && !stoppingToken.IsCancellationRequested)
            {
                // The database is down for a moment: no check-in is recorded, so readiness turns unhealthy if it lasts.
                logger.LogWarning(error, "Could not read this node's Quartz check-in");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
