using BlazorAwsConsole.Cluster;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// NOTIFY needs no privilege: any role that may connect to the database can send on the console's channel. A node must
/// take nothing from a notice but what to re-read, and a flood of "re-read everything" must not make it re-read in a loop.
/// The notices here come from a role of their own, with no grant on anything, as a stranger's login would send them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ForgedNoticesTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    private const string Region = "us-east-1";

    [Fact]
    public async Task A_region_state_forged_by_another_role_neither_stops_the_polls_nor_shows_on_the_node()
    {
        await using var shared = await postgres.CreateAsync();
        await using var node = await ConsoleHost.StartAsync(moto, postgres, [.. shared.Settings, $"Quartz:SchedulerName=forged-{Guid.NewGuid():n}"]);
        var sync = node.Get<FleetSyncService>();
        await sync.SyncAsync();
        var polled = node.Get<FleetSnapshot>().Region(Region)!;
        polled.LastSyncedAt.Should().NotBeNull();

        // "Next attempt in the year 9999, synced in 2099": every node would stop polling the region and show it fresh.
        await using var stranger = await StrangerAsync(shared);
        await NotifyAsync(stranger, [$$"""
            {"from":"stranger","kind":"fleet","regions":[{"code":"{{Region}}","name":"forged","lastSyncedAt":"2099-01-01T00:00:00Z",
             "lastAttemptAt":"2099-01-01T00:00:00Z","consecutiveFailures":0,"nextAttemptAt":"9999-12-31T00:00:00Z","instanceCount":0}]}
            """]);
        await AfterTheNodeReadAllSentAsync(node, stranger);

        var shown = node.Get<FleetSnapshot>().Region(Region)!;
        output.WriteLine($"after the forged notice the node shows next attempt {shown.NextAttemptAt:O}, last synced {shown.LastSyncedAt:O}");
        shown.NextAttemptAt.Year.Should().BeLessThan(9999);
        shown.LastSyncedAt.Should().Be(polled.LastSyncedAt, "the last poll's time, as stored");
        shown.Name.Should().Be(polled.Name);

        // The next scheduled poll (not forced) still reads the region: an instance launched meanwhile shows up.
        var launched = await Ec2Fleet.LaunchAsync(moto.Ec2(Region), "after-forgery");
        var report = await sync.SyncAsync();
        report.Regions.Select(r => r.Region).Should().Contain(Region);
        node.Get<FleetSnapshot>().Find(launched).Should().NotBeNull();
    }

    [Fact]
    public async Task A_thousand_re_read_everything_notices_cause_at_most_one_full_re_read_per_ten_seconds()
    {
        await using var shared = await postgres.CreateAsync();
        await using var node = await ConsoleHost.StartAsync(moto, postgres, [.. shared.Settings, $"Quartz:SchedulerName=flood-{Guid.NewGuid():n}"]);
        var listener = node.Get<NoticeListener>();

        await using var stranger = await StrangerAsync(shared);
        // Each from another "sender": PostgreSQL folds identical payloads of one transaction into one.
        await NotifyAsync(stranger, [.. Enumerable.Range(0, 1_000).Select(i => $$"""{"from":"stranger-{{i}}","kind":"results","all":true}""")]);
        await AfterTheNodeReadAllSentAsync(node, stranger);

        // The flood is answered (a re-read ran), and once more after the pause (what arrived meanwhile is not lost).
        await Poll.UntilAsync(() => listener.FullRereads(NoticeKinds.Results).Count >= 2, TimeSpan.FromSeconds(60),
            () => $"full re-reads of results: {listener.FullRereads(NoticeKinds.Results).Count}");
        var rereads = listener.FullRereads(NoticeKinds.Results);
        output.WriteLine($"full re-reads of results: {string.Join(", ", rereads.Select(t => t.ToString("HH:mm:ss.fff")))}");
        rereads.Zip(rereads.Skip(1), (earlier, later) => later - earlier).Should().OnlyContain(gap => gap >= NoticeListener.FullRereadInterval);
    }

    [Fact]
    public async Task With_a_notice_key_a_node_drops_unsigned_notices_and_takes_signed_ones()
    {
        const string key = "shared-by-the-nodes-only";
        await using var shared = await postgres.CreateAsync();
        await using var node = await ConsoleHost.StartAsync(moto, postgres,
            [.. shared.Settings, $"Quartz:SchedulerName=signed-{Guid.NewGuid():n}", $"Cluster:NoticeKey={key}"]);
        var listener = node.Get<NoticeListener>();
        var test = new SyntheticTest { Name = "named", Type = ProbeType.Port, Target = "127.0.0.1", Port = 9, FrequencySeconds = 60, Enabled = false };
        await using (var db = await node.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            db.SyntheticTests.Add(test);
            await db.SaveChangesAsync();
        }
        var notice = $$"""{"from":"stranger","kind":"tests","ids":[{{test.Id}}]}""";
        await using var stranger = await StrangerAsync(shared);

        var rejected = listener.Rejected;
        await NotifyAsync(stranger, [notice, "AAAA" + new NoticeSignature(Options.Create(new ClusterOptions { NoticeKey = "another key" })).Sign(notice)[4..]]);
        await Poll.UntilAsync(() => listener.Rejected >= rejected + 2, TimeSpan.FromSeconds(30), () => $"rejected {listener.Rejected - rejected} of 2");
        node.Get<ProbeCatalog>().Find(test.Id).Should().BeNull("neither notice was heard");

        // Signed with the cluster's key (as its nodes sign), the same notice is taken.
        await NotifyAsync(stranger, [new NoticeSignature(Options.Create(new ClusterOptions { NoticeKey = key })).Sign(notice)]);
        await Poll.UntilAsync(() => node.Get<ProbeCatalog>().Find(test.Id) is not null, TimeSpan.FromSeconds(30), () => "the signed notice was not taken");
    }

    /// <summary>A login role with no grant on anything (any such role may CONNECT and NOTIFY unless the database says otherwise).</summary>
    private async Task<NpgsqlConnection> StrangerAsync(TestDatabase shared)
    {
        var role = "stranger_" + Guid.NewGuid().ToString("n")[..12];
        await postgres.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(shared.ConnectionString) { Username = role, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, IReadOnlyList<string> payloads)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var payload in payloads)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = ClusterNotice.Channel }, new() { Value = payload } } });
        }
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Notices are handled in the order they arrive: a last one naming a test stored behind the node's back (so only
    /// that notice can bring it into the catalog) tells when the node has handled everything sent before it.
    /// </summary>
    private static async Task AfterTheNodeReadAllSentAsync(ConsoleHost node, NpgsqlConnection stranger)
    {
        var test = new SyntheticTest { Name = "marker", Type = ProbeType.Port, Target = "127.0.0.1", Port = 9, FrequencySeconds = 60, Enabled = false };
        await using (var db = await node.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            db.SyntheticTests.Add(test);
            await db.SaveChangesAsync();
        }
        await NotifyAsync(stranger, [$$"""{"from":"stranger","kind":"tests","ids":[{{test.Id}}]}"""]);
        await Poll.UntilAsync(() => node.Get<ProbeCatalog>().Find(test.Id) is not null, TimeSpan.FromSeconds(120), () => "the node did not get to the last notice");
    }
}
