using System.Collections.Concurrent;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Quartz;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// A node holding many tests stores their triggers in Quartz's clustered store in chunks, each first run spread from
/// when its chunk is stored, so no trigger lands already due (which Quartz would start at once, all together); a node
/// scheduling again keeps what the store already has.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StartupSchedulingTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output) : IClassFixture<MotoFixture>
{
    /// <summary>Several store chunks' worth, so a late chunk would find first runs computed before the first one past.</summary>
    private const int Tests = ProbeScheduler.StoreChunk * 5 + 17;

    [Fact]
    public async Task A_node_with_many_tests_stores_every_trigger_none_already_due_with_first_runs_spread_over_the_interval()
    {
        await using var shared = await postgres.CreateAsync();
        await using var node = await ConsoleHost.StartAsync(moto, postgres,
            [.. shared.Settings, $"Quartz:SchedulerName=startup-{Guid.NewGuid():n}", "Cluster:NodeName=node-a"]);
        var closedPort = MotoFixture.FreePort();
        var contexts = node.Get<IDbContextFactory<ConsoleDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var now = DateTime.UtcNow;
            db.SyntheticTests.AddRange(Enumerable.Range(1, Tests).Select(i => new SyntheticTest
            {
                Name = $"startup {i}", Type = ProbeType.Port, Target = "127.0.0.1", Port = closedPort, TimeoutSeconds = 1,
                FrequencySeconds = 60, CreatedAt = now, UpdatedAt = now,
            }));
            await db.SaveChangesAsync();
        }
        // As at a start-up: the catalog reads the tests, then every one without a trigger gets one.
        await node.Get<ProbeCatalog>().LoadAsync(contexts, CancellationToken.None);
        var scheduler = await node.Get<ISchedulerFactory>().GetScheduler();
        var stored = new StoredTriggers();
        scheduler.ListenerManager.AddSchedulerListener(stored);
        var started = DateTimeOffset.UtcNow;
        await node.Get<ProbeScheduler>().ScheduleAllAsync(CancellationToken.None);
        var took = DateTimeOffset.UtcNow - started;
        var finished = DateTimeOffset.UtcNow;
        scheduler.ListenerManager.RemoveSchedulerListener(stored.Name);
        output.WriteLine($"{Tests} triggers stored in {took.TotalSeconds:0.0} s");

        var enabled = node.Get<ProbeCatalog>().Tests.Count(t => t.Enabled);
        stored.Triggers.Should().HaveCount(enabled, "every enabled test got its trigger, each stored once");
        (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(ProbeScheduler.JobKey.Group)))
            .Count(k => k.Name.StartsWith("test-", StringComparison.Ordinal)).Should().Be(enabled);
        // Each first run is a base plus the test's offset, the base being when its chunk was stored plus the time the rest
        // of the store was expected to take (never a start Quartz moved to "now" because it was already past, which fired
        // the late part of a big schedule all at once, and never one time taken before the whole store): one base per
        // chunk, none before the call began.
        var byId = node.Get<ProbeCatalog>().Tests.ToDictionary(t => $"test-{t.Id}");
        var bases = stored.Triggers.GroupBy(t => t.FirstRun - ProbeScheduler.FirstRunOffset(byId[t.Key.Name])).ToList();
        bases.Should().OnlyContain(b => b.Key >= started, "first runs are spread from times taken as the chunks are stored");
        bases.Should().HaveCountGreaterThanOrEqualTo((Tests - ProbeScheduler.FirstChunk + ProbeScheduler.StoreChunk - 1) / ProbeScheduler.StoreChunk + 1, "one base per chunk")
            .And.OnlyContain(b => b.Count() <= ProbeScheduler.StoreChunk);
        output.WriteLine($"{bases.Count} chunks; {stored.Triggers.Count(t => t.FirstRun <= t.StoredAt)} first run(s) already past when their chunk's " +
            $"commit was reported, {stored.Triggers.Count(t => t.FirstRun <= finished)} before the whole store had ended");
        // Spread: no tenth of the minute holds much more than a tenth of the first runs.
        var perSixSeconds = stored.Triggers.Select(t => (int)(ProbeScheduler.FirstRunOffset(byId[t.Key.Name]).TotalSeconds / 6)).GroupBy(s => s)
            .OrderBy(g => g.Key).Select(g => g.Count()).ToList();
        output.WriteLine($"first runs per 6 s of the interval: {string.Join(", ", perSixSeconds)}");
        perSixSeconds.Should().HaveCountGreaterThanOrEqualTo(10).And.OnlyContain(n => n < Tests / 10 * 2, "first runs are spread over the interval, not bunched");

        // Scheduling again (another node starting, or a restart) keeps every stored trigger: nothing is stored anew.
        var again = new StoredTriggers();
        scheduler.ListenerManager.AddSchedulerListener(again);
        await node.Get<ProbeScheduler>().ScheduleAllAsync(CancellationToken.None);
        scheduler.ListenerManager.RemoveSchedulerListener(again.Name);
        again.Triggers.Should().BeEmpty("a node starting keeps the cluster's triggers");
    }

    /// <summary>Each trigger Quartz reports stored, with its first run and when the report came (after the store's commit).</summary>
    private sealed class StoredTriggers : ISchedulerListener
    {
        public string Name { get; } = $"stored-triggers-{Guid.NewGuid():n}";

        public ConcurrentBag<(TriggerKey Key, DateTimeOffset FirstRun, DateTimeOffset StoredAt)> Triggers { get; } = [];

        public ValueTask JobScheduled(IScheduler scheduler, ITrigger trigger, CancellationToken cancellationToken = default)
        {
            if (trigger.Key.Group == ProbeScheduler.JobKey.Group) Triggers.Add((trigger.Key, trigger.StartTimeUtc, DateTimeOffset.UtcNow));
            return default;
        }
    }
}
