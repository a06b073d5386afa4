using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// Issue 21's upgrade on PostgreSQL: a database as the last version with one Quartz trigger per test left it (EF's
/// migrations up to that version, the results table partitioned by StartedAt, its tests and results with a fire stored
/// twice, the per-test triggers stored by a real clustered Quartz scheduler), then two nodes of this version started on
/// it together. The per-test triggers go under the migration lock, the results are kept once each with their scheduled
/// time and re-partitioned by it, and the tests run on the new nodes' own timers, none twice in an interval, none dropped.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UpgradeFromPerTestTriggersTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    /// <summary>
    /// The last migration of the last version that kept per-test triggers (the parent of commit 29bb87e, which added the
    /// migration ClusterMembers and removed them); its results table was partitioned by StartedAt, as until ResultPerFire.
    /// </summary>
    private const string OldVersionsLastMigration = "20261207013421_OnCallChannelKinds";

    private const int Tests = 6;
    private const int IntervalSeconds = ProbeOptions.MinFrequencySeconds;
    private const string OldNode = "old-node";
    private static readonly TriggerKey RollupTrigger = new("probe-rollup", "probe-rollups");

    private sealed record OldTest(int Id, string Name);

    /// <summary>A result as the old version stored it: no scheduled time, only the start and how late it started (null: "run now").</summary>
    private sealed record OldResult(int TestId, DateTime StartedAt, double? StartLagMs)
    {
        public long Id { get; set; }
        public DateTime Fire => StartedAt - TimeSpan.FromMilliseconds(StartLagMs ?? 0);
    }

    [Fact]
    public async Task Nodes_started_together_on_an_old_database_remove_the_per_test_triggers_keep_each_result_once_by_its_fire_time_and_run_every_test_once_per_interval()
    {
        await using var target = await HitCountingTarget.StartAsync();
        await using var database = await postgres.CreateAsync();
        var schedulerName = $"upgrade-{Guid.NewGuid():n}";

        // The database as the old version left it.
        await MigrateAsTheOldVersionAsync(database);
        var tests = await StoreOldTestsAsync(database, target);
        var results = await StoreOldResultsAsync(database, tests);
        var rollupStart = await StoreOldQuartzJobsAsync(database, schedulerName, tests);
        await StoreFiredTriggerAsync(database, schedulerName, tests[0]);
        (await PartitionColumnAsync(database)).Should().Be("StartedAt", "the old version partitioned results by their start");
        (await CountAsync(database, "SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'probes' AND job_name = 'probe-run'")).Should().Be(Tests);
        (await CountAsync(database, "SELECT count(*) FROM qrtz_simple_triggers WHERE trigger_group = 'probes'")).Should().Be(Tests);
        (await CountAsync(database, "SELECT count(*) FROM qrtz_job_details WHERE job_group = 'probes' AND job_name = 'probe-run'")).Should().Be(1);
        var oldMaxId = results.Max(r => r.Id);

        // This version, two nodes at the same instant.
        string[] cluster = [.. database.Settings, $"Quartz:SchedulerName={schedulerName}"];
        var upgraded = DateTimeOffset.UtcNow;
        var (a, b) = await ClusterProbes.StartTogetherAsync(moto, postgres, cluster);
        await using var nodeA = a;
        await using var nodeB = b;
        List<ConsoleHost> nodes = [nodeA, nodeB];
        output.WriteLine($"both nodes started {(DateTimeOffset.UtcNow - upgraded).TotalSeconds:0.0} s after the upgrade began");

        // Quartz's clustered store: the per-test triggers, their simple-trigger rows, their fire and their job are gone; the
        // rollups' trigger the old version declared (its job in the same group "probes") stays as it was stored.
        (await CountAsync(database, "SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'probes'")).Should().Be(0);
        (await CountAsync(database, "SELECT count(*) FROM qrtz_simple_triggers WHERE trigger_group = 'probes'")).Should().Be(0);
        (await CountAsync(database, "SELECT count(*) FROM qrtz_fired_triggers WHERE trigger_group = 'probes'")).Should().Be(0);
        (await CountAsync(database, "SELECT count(*) FROM qrtz_job_details WHERE job_name = 'probe-run'")).Should().Be(0);
        (await CountAsync(database, $"SELECT count(*) FROM qrtz_triggers WHERE trigger_name = '{RollupTrigger.Name}' AND trigger_group = '{RollupTrigger.Group}' AND job_group = 'probes' AND start_time = {rollupStart}"))
            .Should().Be(1, "the declared rollup trigger is kept as the old version stored it");
        (await CountAsync(database, "SELECT count(*) FROM qrtz_job_details WHERE job_name = 'probe-rollup' AND job_group = 'probes'")).Should().Be(1);

        // Every old result once (the fire stored twice keeps its first row), with its id, its fire time, in that day's partition.
        var expected = results.GroupBy(r => (r.TestId, r.Fire)).Select(fire => fire.MinBy(r => r.Id)!).ToList();
        expected.Should().HaveCount(results.Count - 1, "exactly one fire was stored twice");
        var kept = await StoredAsync(database, oldMaxId);
        kept.Select(r => r.Id).Should().BeEquivalentTo(expected.Select(r => r.Id), "every old result is kept once, ids unchanged");
        foreach (var row in kept)
        {
            var old = expected.Single(r => r.Id == row.Id);
            row.ScheduledAt.Should().Be(old.Fire, $"result {row.Id} is scheduled at its start minus its start lag");
            row.StartedAt.Should().Be(old.StartedAt);
            row.Location.Should().Be(ProbeResult.DefaultLocation);
            row.Partition.Should().Be(ProbeResultPartitions.NameOf(DateOnly.FromDateTime(old.Fire)), $"result {row.Id} lies in the partition of its fire's day");
        }
        (await PartitionColumnAsync(database)).Should().Be("ScheduledAt");
        (await CountAsync(database, """SELECT count(*) FROM pg_indexes WHERE tablename = 'ProbeResults' AND indexname = 'IX_ProbeResults_TestId_ScheduledAt_Location'""")).Should().Be(1);

        // The stored tests run on the new nodes' timers: each owned by one node, each hit once per interval.
        await Poll.UntilAsync(() => OwnedOnce(nodes, tests), TimeSpan.FromSeconds(60), () => Describe(nodes));
        var settled = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => tests.All(t => target.HitsOf(t.Name).Count(h => h > settled) >= 3), TimeSpan.FromSeconds(60),
            () => $"{tests.Count(t => target.HitsOf(t.Name).Count(h => h > settled) >= 3)} of {Tests} tests hit 3 times since they were owned; {Describe(nodes)}");
        var problems = new List<string>();
        foreach (var test in tests)
        {
            var gaps = ClusterProbes.Gaps(target.HitsOf(test.Name));
            output.WriteLine($"{test.Name}: gaps {string.Join(", ", gaps.Select(g => g.ToString("0.0")))}");
            if (gaps.Any(g => g <= IntervalSeconds / 2.0)) problems.Add($"{test.Name} ran twice within an interval");
            var afterSettled = target.HitsOf(test.Name).Where(h => h > settled).ToList();
            if (ClusterProbes.Gaps(afterSettled).DefaultIfEmpty(0).Max() > 2 * IntervalSeconds + 1) problems.Add($"{test.Name} missed an interval");
        }
        problems.Should().BeEmpty();

        // Their new results are stored beside the old ones, with ids following on.
        await Poll.UntilAsync(async () => (await StoredAsync(database, oldMaxId, newer: true)).Select(r => r.TestId).Distinct().Count() == Tests,
            TimeSpan.FromSeconds(60), () => "a new result of every test");
        var stored = await StoredAsync(database, oldMaxId, newer: true);
        stored.Should().OnlyContain(r => r.ScheduledAt > upgraded.UtcDateTime, "new results are of fires after the upgrade");
        (await StoredAsync(database, oldMaxId)).Should().HaveCount(expected.Count, "the old results are still there once, and no new result took an old id");
    }

    /// <summary>EF's migrations of the old version, then what its ProbeResultPartitions did after them: the plain table turned into one partitioned by StartedAt.</summary>
    private static async Task MigrateAsTheOldVersionAsync(TestDatabase database)
    {
        var options = new DbContextOptionsBuilder<ConsoleDbContext>().UseNpgsql(database.ConnectionString).Options;
        await using var db = new PostgresConsoleDbContext(options);
        await db.GetService<IMigrator>().MigrateAsync(OldVersionsLastMigration);
        // Quartz's tables are made by the same statements as then (QuartzSchema's DDL is unchanged since that version).
        await QuartzSchema.CreateIfMissingAsync(db, CancellationToken.None);
        await db.Database.ExecuteSqlRawAsync(OldPartitionFunction);
        await db.Database.ExecuteSqlRawAsync(OldConvertStatement);
        foreach (var day in ProbeResultPartitions.DaysAround(DateTime.UtcNow)) await MakeOldDayAsync(database, day);
    }

    private static async Task<List<OldTest>> StoreOldTestsAsync(TestDatabase database, HitCountingTarget target)
    {
        // The columns the old version had, with its SyntheticTest's defaults; the ones it left to the database's defaults are left out.
        const string insert = """
            INSERT INTO "SyntheticTests" ("Name", "Type", "Target", "FrequencySeconds", "TimeoutSeconds", "Enabled", "Tags", "PingCount", "PingIntervalMs",
                "PingPayloadBytes", "PingDontFragment", "PingTtl", "MaxHops", "ProbesPerHop", "HopTimeoutMs", "UseTls", "HttpMethod", "Headers",
                "FollowRedirects", "MaxRedirects", "VerifyTls", "CertificateExpiryWarningDays", "TlsVerifyChain", "CreatedAt", "UpdatedAt", "CreatedBy")
            VALUES (@name, 'Http', @target, @interval, 5, true, '{}', 4, 200, 32, false, 64, 30, 3, 1000, false, 'GET', '{}', true, 5, true, 14, true, @at, @at, 'admin')
            RETURNING "Id"
            """;
        await using var connection = await OpenAsync(database);
        var tests = new List<OldTest>();
        for (var i = 0; i < Tests; i++)
        {
            var name = $"upgrade-{i}";
            await using var command = new NpgsqlCommand(insert, connection);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("target", target.Url(name));
            command.Parameters.AddWithValue("interval", IntervalSeconds);
            command.Parameters.AddWithValue("at", DateTime.UtcNow.AddDays(-30));
            tests.Add(new OldTest((int)(await command.ExecuteScalarAsync())!, name));
        }
        return tests;
    }

    /// <summary>
    /// Results of every test over several days, as the old writer stored them (the day partitions of their start made first):
    /// one fire of the first test stored twice (the second run 2 s late, same start minus lag), a "run now" (no lag), and a
    /// run started just after a midnight whose fire was just before it (so it changes day, and partition).
    /// </summary>
    private static async Task<List<OldResult>> StoreOldResultsAsync(TestDatabase database, List<OldTest> tests)
    {
        var now = DateTime.UtcNow;
        var noon = now.Date.AddHours(12);
        var results = new List<OldResult>();
        foreach (var (test, t) in tests.Select((test, t) => (test, t)))
        {
            foreach (var daysAgo in new[] { 20, 3, 1 })
            {
                results.AddRange(Enumerable.Range(0, 3).Select(k => new OldResult(test.Id, noon.AddDays(-daysAgo).AddSeconds(IntervalSeconds * k + t).AddMilliseconds(40 + k), 40 + k)));
            }
            // Today's, a few minutes before now (today's partition, or yesterday's just after midnight).
            results.AddRange(Enumerable.Range(0, 3).Select(k => new OldResult(test.Id, Whole(now.AddMinutes(-5).AddSeconds(IntervalSeconds * k + t)), 25 + k)));
        }
        var fire = noon.AddDays(-2);
        results.Add(new OldResult(tests[0].Id, fire.AddMilliseconds(35), 35));
        results.Add(new OldResult(tests[0].Id, fire.AddMilliseconds(2120), 2120));
        results.Add(new OldResult(tests[1].Id, noon.AddDays(-2).AddMinutes(7).AddMilliseconds(123), null));
        results.Add(new OldResult(tests[2].Id, now.Date.AddDays(-3).AddMilliseconds(300), 900));

        foreach (var day in results.Select(r => DateOnly.FromDateTime(r.StartedAt)).Distinct()) await MakeOldDayAsync(database, day);
        await using var connection = await OpenAsync(database);
        foreach (var result in results)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO "ProbeResults" ("TestId", "Type", "Success", "Degraded", "Reason", "StartedAt", "DurationMs", "ResponseTimeMs", "Source", "StartLagMs", "Http")
                VALUES (@test, 'Http', true, false, 'HTTP 200', @started, 12.5, 3.25, 'console', @lag, '{"StatusCode":200}')
                RETURNING "Id"
                """, connection);
            command.Parameters.AddWithValue("test", result.TestId);
            command.Parameters.AddWithValue("started", result.StartedAt);
            command.Parameters.AddWithValue("lag", (object?)result.StartLagMs ?? DBNull.Value);
            result.Id = (long)(await command.ExecuteScalarAsync())!;
        }
        return results;
    }

    /// <summary>
    /// What the old nodes kept in Quartz's clustered store, stored by a real Quartz scheduler configured as the old
    /// SchedulerSetup did (ADO store, PostgreSQL, clustered, the project's table prefix) and never started, so it fires
    /// nothing: the declarations of the old ProbesFeature (the durable probe-run job, the rollups' job and trigger) and one
    /// trigger per test as the old ProbeScheduler made it. Returns the rollup trigger's stored start time (ticks).
    /// </summary>
    private static async Task<long> StoreOldQuartzJobsAsync(TestDatabase database, string schedulerName, List<OldTest> tests)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = schedulerName;
                scheduler.InstanceId = OldNode;
            });
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(database.ConnectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(c =>
                {
                    c.CheckinInterval = SchedulerSetup.CheckinInterval;
                    c.CheckinMisfireThreshold = SchedulerSetup.CheckinMisfireThreshold;
                });
                store.ConfigureStore(o => o.TablePrefix = QuartzSchema.TablePrefix);
            });
            quartz.AddJob<ProbeRunJob>(job => job.WithIdentity(ProbeScheduler.JobKey).StoreDurably());
        });
        services.AddRepeatingJob<ProbeRollupJob>(ProbeRollupJob.Key, RollupTrigger, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        services.Configure<QuartzOptions>(options => options.Scheduling.IgnoreDuplicates = true);
        await using var provider = services.BuildServiceProvider();
        // Getting the scheduler stores the declared jobs and triggers; it stays in standby.
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        try
        {
            var job = await scheduler.GetJobDetail(ProbeScheduler.JobKey) ?? throw new InvalidOperationException("the probe-run job was not stored");
            var now = DateTimeOffset.UtcNow;
            // The old ProbeScheduler's trigger: "test-{id}" in group "probes", the test id in its data, first run within an
            // interval, then every interval, a missed run skipped.
            var triggers = tests.Select(test => TriggerBuilder.Create()
                .WithIdentity($"test-{test.Id}", ProbeScheduler.JobKey.Group)
                .ForJob(ProbeScheduler.JobKey)
                .UsingJobData(ProbeRunJob.TestIdKey, test.Id)
                .StartAt(now + TimeSpan.FromSeconds(1 + test.Id % IntervalSeconds))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(IntervalSeconds)).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .Build()).ToList();
            await scheduler.ScheduleJob(job, triggers, ScheduleJobOptions.Replacing);
            return (await scheduler.GetTrigger(RollupTrigger))!.StartTimeUtc.UtcTicks;
        }
        finally
        {
            await scheduler.Shutdown();
        }
    }

    /// <summary>An old node stopped while a test's trigger had fired: Quartz's row of that fire (its times in ticks), as the old store left it.</summary>
    private static async Task StoreFiredTriggerAsync(TestDatabase database, string schedulerName, OldTest test)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {QuartzSchema.TablePrefix}fired_triggers (sched_name, entry_id, trigger_name, trigger_group, instance_name, fired_time, sched_time,
                priority, state, job_name, job_group, is_nonconcurrent, requests_recovery)
            VALUES (@sched, @entry, @trigger, 'probes', @node, @at, @at, 5, 'EXECUTING', 'probe-run', 'probes', false, false)
            """, connection);
        var at = DateTimeOffset.UtcNow.AddSeconds(-3).UtcTicks;
        command.Parameters.AddWithValue("sched", schedulerName);
        command.Parameters.AddWithValue("entry", $"{OldNode}{at}");
        command.Parameters.AddWithValue("trigger", $"test-{test.Id}");
        command.Parameters.AddWithValue("node", OldNode);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record StoredResult(long Id, int TestId, DateTime StartedAt, DateTime ScheduledAt, string Location, string Partition);

    /// <summary>The stored results up to <paramref name="maxId"/> (or after it, when <paramref name="newer"/>), with the partition each lies in.</summary>
    private static async Task<List<StoredResult>> StoredAsync(TestDatabase database, long maxId, bool newer = false)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand($"""
            SELECT "Id", "TestId", "StartedAt", "ScheduledAt", "Location", tableoid::regclass::text FROM "ProbeResults" WHERE "Id" {(newer ? ">" : "<=")} @max
            """, connection);
        command.Parameters.AddWithValue("max", maxId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredResult>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredResult(reader.GetInt64(0), reader.GetInt32(1), reader.GetDateTime(2), reader.GetDateTime(3), reader.GetString(4), reader.GetString(5).Trim('"')));
        }
        return rows;
    }

    /// <summary>The column the results table is partitioned by (null: not partitioned).</summary>
    private static async Task<string?> PartitionColumnAsync(TestDatabase database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand("""
            SELECT a.attname::text FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
            WHERE p.partrelid = '"ProbeResults"'::regclass
            """, connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task MakeOldDayAsync(TestDatabase database, DateOnly day)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand("SELECT console_probe_results_partition(@day)", connection);
        command.Parameters.AddWithValue("day", day);
        await command.ExecuteScalarAsync();
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> OpenAsync(TestDatabase database)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static DateTime Whole(DateTime at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>Every test on exactly one node's timers.</summary>
    private static bool OwnedOnce(IReadOnlyList<ConsoleHost> nodes, List<OldTest> tests)
    {
        var owned = nodes.SelectMany(n => n.Get<ProbeScheduler>().Owned).Order().ToList();
        return owned.SequenceEqual(tests.Select(t => t.Id).Order());
    }

    private static string Describe(IEnumerable<ConsoleHost> nodes) => string.Join("; ", nodes.Select(n =>
        $"{n.Get<ClusterMembership>().Self} owns [{string.Join(", ", n.Get<ProbeScheduler>().Owned)}], sees [{string.Join(", ", n.Get<ClusterMembership>().View.Live)}]"));

    // The old version's ProbeResultPartitions statements (git show 3c6521c^:BlazorAwsConsole/Probes/ProbeResultPartitions.cs): the
    // day-partition function and the conversion of EF's plain table into one partitioned by StartedAt.
    private const string OldPartitionFunction = """
        CREATE OR REPLACE FUNCTION console_probe_results_partition(day date) RETURNS boolean
        LANGUAGE plpgsql AS $fn$
        DECLARE
            name text := 'ProbeResults_' || to_char(day, 'YYYYMMDD');
            low timestamptz := day::timestamp AT TIME ZONE 'UTC';
            high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
        BEGIN
            IF to_regclass(quote_ident(name)) IS NOT NULL THEN RETURN false; END IF;
            PERFORM pg_advisory_xact_lock(4846591317236044112);
            IF to_regclass(quote_ident(name)) IS NOT NULL THEN RETURN false; END IF;
            IF EXISTS (SELECT 1 FROM "ProbeResults_default" WHERE "StartedAt" >= low AND "StartedAt" < high) THEN
                EXECUTE format('CREATE TABLE %I (LIKE "ProbeResults" INCLUDING DEFAULTS)', name);
                EXECUTE format('WITH moved AS (DELETE FROM "ProbeResults_default" WHERE "StartedAt" >= %L AND "StartedAt" < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', low, high, name);
                EXECUTE format('ALTER TABLE "ProbeResults" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, low, high);
            ELSE
                EXECUTE format('CREATE TABLE %I PARTITION OF "ProbeResults" FOR VALUES FROM (%L) TO (%L)', name, low, high);
            END IF;
            RETURN true;
        END
        $fn$
        """;

    private const string OldConvertStatement = """
        DO $do$
        DECLARE
            last_id bigint;
            index_definitions text[];
            definition text;
            day date;
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('"ProbeResults"')) THEN RETURN; END IF;
            ALTER TABLE "ProbeResults" RENAME TO "ProbeResults_unpartitioned";
            SELECT GREATEST(COALESCE((SELECT max("Id") FROM "ProbeResults_unpartitioned"), 0),
                            COALESCE((SELECT last_value FROM pg_sequences WHERE sequencename = 'ProbeResults_Id_seq' AND schemaname = current_schema()), 0))
                INTO last_id;
            SELECT COALESCE(array_agg(indexdef), ARRAY[]::text[]) INTO index_definitions FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = 'ProbeResults_unpartitioned' AND indexname <> 'PK_ProbeResults';
            FOR definition IN SELECT indexname FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = 'ProbeResults_unpartitioned' AND indexname <> 'PK_ProbeResults' LOOP
                EXECUTE format('DROP INDEX %I', definition);
            END LOOP;
            ALTER TABLE "ProbeResults_unpartitioned" DROP CONSTRAINT "PK_ProbeResults";
            ALTER TABLE "ProbeResults_unpartitioned" ALTER COLUMN "Id" DROP IDENTITY IF EXISTS;
            CREATE TABLE "ProbeResults" (LIKE "ProbeResults_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("StartedAt");
            ALTER TABLE "ProbeResults" ALTER COLUMN "Id" ADD GENERATED BY DEFAULT AS IDENTITY;
            PERFORM setval(pg_get_serial_sequence('"ProbeResults"', 'Id'), last_id + 1, false);
            ALTER TABLE "ProbeResults" ADD CONSTRAINT "PK_ProbeResults" PRIMARY KEY ("Id", "StartedAt");
            FOREACH definition IN ARRAY index_definitions LOOP
                EXECUTE replace(definition, '"ProbeResults_unpartitioned"', '"ProbeResults"');
            END LOOP;
            CREATE TABLE "ProbeResults_default" PARTITION OF "ProbeResults" DEFAULT;
            FOR day IN SELECT DISTINCT ("StartedAt" AT TIME ZONE 'UTC')::date FROM "ProbeResults_unpartitioned" LOOP
                PERFORM console_probe_results_partition(day);
            END LOOP;
            INSERT INTO "ProbeResults" SELECT * FROM "ProbeResults_unpartitioned";
            DROP TABLE "ProbeResults_unpartitioned";
        END
        $do$
        """;
}
