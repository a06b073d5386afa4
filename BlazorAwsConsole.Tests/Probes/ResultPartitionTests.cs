using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>
/// On PostgreSQL the raw results table is partitioned by day: made so by the migration (or converted, rows kept),
/// written with binary COPY by the result writer, and trimmed by dropping whole days.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResultPartitionTests(PostgresServer postgres, MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Migrating_makes_the_results_table_partitioned_by_day_with_the_days_ahead_and_migrating_again_changes_nothing()
    {
        await using var database = await postgres.CreateAsync();
        string[] migrate = ["migrate", .. database.Settings.Select(s => "--" + s)];

        (await Program.Main(migrate)).Should().Be(0);
        var first = await PartitionsAsync(database);
        (await Program.Main(migrate)).Should().Be(0);

        (await ScalarAsync<string>(database, """SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = '"ProbeResults"'::regclass""")).Should().Be("r");
        var partitions = await PartitionsAsync(database);
        partitions.Should().Equal(first, "a second migration makes nothing new");
        partitions.Should().Contain([ProbeResultPartitions.DefaultPartition, ProbeResultPartitions.NameOf(Today), ProbeResultPartitions.NameOf(Today.AddDays(ProbeResultPartitions.DaysAhead))]);
        (await KeyColumnsAsync(database)).Should().Equal("Id", "ScheduledAt");
        (await IndexesAsync(database)).Should().Contain(["IX_ProbeResults_StartedAt", "IX_ProbeResults_TestId_StartedAt", "IX_ProbeResults_TestId_ScheduledAt_Location"], "EF's indexes keep their names");
    }

    [Fact]
    public async Task A_plain_results_table_with_rows_is_converted_keeping_its_rows_and_ids_and_new_ids_follow_on()
    {
        await using var database = await postgres.CreateAsync();
        var options = new DbContextOptionsBuilder<ConsoleDbContext>().UseNpgsql(database.ConnectionString).Options;
        var days = new[] { DateTime.UtcNow.AddDays(-20), DateTime.UtcNow.AddDays(-1), DateTime.UtcNow };
        List<long> ids;
        await using (var db = new PostgresConsoleDbContext(options))
        {
            // EF's migrations alone: the plain table a console made before partitioning.
            await db.Database.MigrateAsync();
            db.ProbeResults.AddRange(days.SelectMany(day => Enumerable.Range(0, 10).Select(i => Result(5, day.AddSeconds(-i)))));
            await db.SaveChangesAsync();
            ids = await db.ProbeResults.Select(r => r.Id).OrderBy(id => id).ToListAsync();
            (await ScalarAsync<long>(database, """SELECT count(*) FROM pg_partitioned_table""")).Should().Be(0);
        }

        (await Program.Main(["migrate", .. database.Settings.Select(s => "--" + s)])).Should().Be(0);

        (await ScalarAsync<long>(database, """SELECT count(*) FROM pg_partitioned_table WHERE partrelid = '"ProbeResults"'::regclass""")).Should().Be(1);
        var partitions = await PartitionsAsync(database);
        partitions.Should().Contain(days.Select(d => ProbeResultPartitions.NameOf(DateOnly.FromDateTime(d))));
        (await ScalarAsync<long>(database, $"""SELECT count(*) FROM "{ProbeResultPartitions.DefaultPartition}" """)).Should().Be(0, "every old row went to its day");
        (await ScalarAsync<long>(database, $"""SELECT count(*) FROM "{ProbeResultPartitions.NameOf(DateOnly.FromDateTime(days[0]))}" """)).Should().Be(10);
        await using (var db = new PostgresConsoleDbContext(options))
        {
            (await db.ProbeResults.Select(r => r.Id).OrderBy(id => id).ToListAsync()).Should().Equal(ids);
            (await db.ProbeResults.AsNoTracking().ToListAsync()).Count(r => r.Reason == "ok" && r.Http?.StatusCode == 200 && r.StartLagMs == 1.5).Should().Be(30, "every column came across");
            var added = Result(5, DateTime.UtcNow);
            db.ProbeResults.Add(added);
            await db.SaveChangesAsync();
            added.Id.Should().BeGreaterThan(ids.Max(), "the identity goes on from the old table's");
        }
        (await KeyColumnsAsync(database)).Should().Equal("Id", "ScheduledAt");
    }

    [Fact]
    public async Task The_writer_stores_each_batch_once_through_COPY_with_ids_details_and_its_events()
    {
        await using var console = await ConsoleHost.StartAsync(moto, postgres, "Probes:RunOnSchedule=false");
        var writer = console.Get<ProbeResultWriter>();
        var storedBefore = writer.Stored;
        var announced = new List<ProbeResult>();
        writer.BatchStored += batch => { lock (announced) announced.AddRange(batch); };
        // Today's results and some from 12 days ago, a day no partition was made for yet: from that day's
        // noon, so its 25 minutes of results stay in that one day whenever the test runs (near midnight too).
        var oldNoon = DateTime.UtcNow.Date.AddDays(-12).AddHours(12);
        var results = Enumerable.Range(0, 1500).Select(i => Result(40 + i % 3, i % 5 == 0 ? oldNoon.AddSeconds(i) : DateTime.UtcNow.AddSeconds(-i))).ToList();

        var completions = results.Select(_ => new TaskCompletionSource<ProbeResult?>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        for (var i = 0; i < results.Count; i++) await writer.WriteAsync(results[i], completions[i], CancellationToken.None);
        await Task.WhenAll(completions.Select(c => c.Task)).WaitAsync(TimeSpan.FromMinutes(2));

        (writer.Stored - storedBefore).Should().Be(results.Count);
        lock (announced) announced.Should().HaveCount(results.Count).And.OnlyHaveUniqueItems();
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var stored = await db.ProbeResults.AsNoTracking().ToListAsync();
        stored.Should().HaveCount(results.Count, "each result is stored exactly once");
        stored.Select(r => r.Id).Should().BeEquivalentTo(results.Select(r => r.Id), "the ids the results were given are the stored ones");
        results.Should().OnlyContain(r => r.Id > 0);
        var sample = stored.Single(r => r.Id == results[7].Id);
        sample.Should().BeEquivalentTo(results[7], o => o.Using<DateTime>(c => c.Subject.Should().BeCloseTo(c.Expectation, TimeSpan.FromMilliseconds(1))).WhenTypeIs<DateTime>());
        var oldDay = ProbeResultPartitions.NameOf(DateOnly.FromDateTime(oldNoon));
        string countOldDay = $"SELECT count(*) AS \"Value\" FROM \"{oldDay}\"", countDefault = $"SELECT count(*) AS \"Value\" FROM \"{ProbeResultPartitions.DefaultPartition}\"";
        (await db.Database.SqlQueryRaw<long>(countOldDay).SingleAsync()).Should().Be(300, "the writer made the missing day's partition");
        (await db.Database.SqlQueryRaw<long>(countDefault).SingleAsync()).Should().Be(0);

        // A result written after a COPY batch still lands once, and the status board and queries read it.
        var latest = await console.Get<ProbeQueries>().LatestAsync(41, CancellationToken.None);
        latest!.Id.Should().Be(results.Where(r => r.TestId == 41).Max(r => r.Id));
    }

    [Fact]
    public async Task Retention_drops_the_partitions_of_expired_days_and_keeps_newer_rows()
    {
        await using var console = await ConsoleHost.StartAsync(moto, postgres, "Probes:RunOnSchedule=false", "Probes:RetentionDays=2");
        var writer = console.Get<ProbeResultWriter>();
        var now = DateTime.UtcNow;
        // Each a fire of its own (one result per test and scheduled time).
        var results = new[] { -6, -5, -5, -1, 0, 0 }.Select((days, i) => Result(9, now.AddDays(days).AddSeconds(-i))).ToList();
        var completions = results.Select(_ => new TaskCompletionSource<ProbeResult?>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        for (var i = 0; i < results.Count; i++) await writer.WriteAsync(results[i], completions[i], CancellationToken.None);
        await Task.WhenAll(completions.Select(c => c.Task)).WaitAsync(TimeSpan.FromMinutes(2));
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var expired = new[] { -6, -5 }.Select(d => DateOnly.FromDateTime(now.AddDays(d))).ToList();
        (await ProbeResultPartitions.DaysAsync(db, CancellationToken.None)).Should().Contain(expired);

        var deleted = await console.Get<ProbeRollups>().PruneAsync(CancellationToken.None);

        deleted.Should().Be(3);
        var days = await ProbeResultPartitions.DaysAsync(db, CancellationToken.None);
        days.Should().NotContain(expired, "whole expired days are dropped");
        days.Should().Contain([DateOnly.FromDateTime(now.AddDays(-1)), Today, Today.AddDays(ProbeResultPartitions.DaysAhead)], "newer days stay, the days ahead are made");
        (await db.ProbeResults.Select(r => r.StartedAt).ToListAsync()).Should().HaveCount(3).And.OnlyContain(at => at > now.AddDays(-2));
    }

    private static ProbeResult Result(int testId, DateTime at) => new()
    {
        TestId = testId, Type = ProbeType.Http, Success = true, Reason = "ok", StartedAt = at, DurationMs = 12.5, ResponseTimeMs = 3.25,
        Source = ProbeResult.ConsoleSource, StartLagMs = 1.5,
        Http = new HttpDetails { StatusCode = 200 },
    };

    private static async Task<T> ScalarAsync<T>(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> ListAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    private static Task<List<string>> PartitionsAsync(TestDatabase database) => ListAsync(database,
        """SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '"ProbeResults"'::regclass ORDER BY 1""");

    private static Task<List<string>> KeyColumnsAsync(TestDatabase database) => ListAsync(database, """
        SELECT a.attname::text FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY (x.indkey)
        WHERE x.indrelid = '"ProbeResults"'::regclass AND x.indisprimary ORDER BY array_position(x.indkey::int2[], a.attnum)
        """);

    private static Task<List<string>> IndexesAsync(TestDatabase database) => ListAsync(database,
        """SELECT indexname::text FROM pg_indexes WHERE tablename = 'ProbeResults' ORDER BY 1""");
}
