using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>
/// The writer's SQLite insert stores a result exactly as EF Core's SaveChanges did: every column's stored value
/// is compared between a row EF wrote and the same result written by <see cref="ProbeResultInsert"/>.
/// </summary>
public class ProbeResultInsertTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("probe-insert-").FullName;
    private DbContextOptions<ConsoleDbContext> _options = null!;

    public async Task InitializeAsync()
    {
        _options = new DbContextOptionsBuilder<ConsoleDbContext>().UseSqlite($"Data Source={Path.Combine(_folder, "c.db")}").Options;
        await using var db = new ConsoleDbContext(_options);
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static ProbeResult[] Results(DateTime at) =>
    [
        new()
        {
            TestId = 3, Type = ProbeType.Port, Success = true, Reason = "open", StartedAt = at, DurationMs = 1.25, ResponseTimeMs = 1.25,
            Source = ProbeResult.ConsoleSource, StartLagMs = 0.5, Port = new PortDetails { State = PortState.Open, ConnectMs = 1.25, Banner = "SSH-2.0 \"quoted\" é" },
        },
        new()
        {
            TestId = 4, Type = ProbeType.Http, Success = true, Degraded = true, Reason = "HTTP 200 — degraded", StartedAt = at.AddTicks(1234567), DurationMs = 812.5,
            ResponseTimeMs = 800, Source = "i-0123456789abcdef0", Http = new HttpDetails { StatusCode = 200, ConnectMs = 2, FirstByteMs = 799.5 },
        },
        new()
        {
            TestId = 5, Type = ProbeType.Ping, Success = false, Reason = "100% packet loss (0/1 replies)", StartedAt = at.AddSeconds(1), DurationMs = 5000,
            Source = ProbeResult.ConsoleSource, Ping = new PingDetails { Sent = 1, Received = 0, LossPercent = 100 },
        },
    ];

    [Fact]
    public async Task A_batch_is_stored_with_the_same_column_values_as_EF_Core_stores_and_each_result_gets_its_id()
    {
        var at = new DateTime(2026, 11, 28, 19, 30, 15, 123, DateTimeKind.Utc);
        var byEf = Results(at);
        await using (var db = new ConsoleDbContext(_options))
        {
            db.ProbeResults.AddRange(byEf);
            await db.SaveChangesAsync();
        }
        // A fire is stored once per (test, scheduled time): EF's rows are read and removed before the same values go in again.
        var efRows = byEf.Select(r => RawRow(r.Id)).ToList();
        await using (var db = new ConsoleDbContext(_options))
        {
            await db.ProbeResults.ExecuteDeleteAsync();
        }
        var byInsert = Results(at);
        await using (var db = new ConsoleDbContext(_options))
        {
            await new ProbeResultInsert().WriteAsync(db, byInsert, CancellationToken.None);
        }

        byInsert.Select(r => r.Id).Should().OnlyContain(id => id > 0).And.OnlyHaveUniqueItems();
        for (var i = 0; i < byEf.Length; i++)
        {
            var efRow = efRows[i];
            var insertRow = RawRow(byInsert[i].Id);
            efRow.Remove("Id");
            insertRow.Remove("Id");
            insertRow.Should().Equal(efRow, $"result {i} is stored the same way");
        }

        // And EF Core reads the rows back as what was written.
        await using (var db = new ConsoleDbContext(_options))
        {
            var read = await db.ProbeResults.AsNoTracking().Where(r => byInsert.Select(b => b.Id).Contains(r.Id)).OrderBy(r => r.Id).ToListAsync();
            read.Select(r => r.Port?.Banner).Should().Equal(byInsert.Select(r => r.Port?.Banner));
            read.Select(r => r.StartedAt).Should().Equal(byInsert.Select(r => r.StartedAt));
            read.Select(r => r.Http?.FirstByteMs).Should().Equal(byInsert.Select(r => r.Http?.FirstByteMs));
            read.Select(r => r.Type).Should().Equal(ProbeType.Port, ProbeType.Http, ProbeType.Ping);
        }
    }

    [Fact]
    public async Task Batches_written_one_after_another_on_one_insert_each_store_all_their_rows()
    {
        var insert = new ProbeResultInsert();
        var at = DateTime.UtcNow;
        for (var batch = 0; batch < 3; batch++)
        {
            await using var db = new ConsoleDbContext(_options);
            // Each copy its own fire (a result is stored once per test and scheduled time).
            await insert.WriteAsync(db, [.. Enumerable.Range(0, 200).SelectMany(copy => Results(at.AddMinutes(batch * 200 + copy)))], CancellationToken.None);
        }
        await using (var db = new ConsoleDbContext(_options))
        {
            (await db.ProbeResults.CountAsync()).Should().Be(3 * 200 * 3);
        }
    }

    /// <summary>One row as SQLite holds it: each column's storage class and value.</summary>
    private Dictionary<string, string> RawRow(long id)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "c.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM \"ProbeResults\" WHERE \"Id\" = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        var row = new Dictionary<string, string>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? "NULL" : $"{reader.GetDataTypeName(i)}:{Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)}";
        }
        return row;
    }
}
