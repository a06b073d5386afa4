using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>
/// One stored result per fire (test, scheduled time): a fire two nodes ran at a handover reaches the writer twice; the
/// second is skipped as already stored, the rest of its batch is stored (on PostgreSQL a COPY batch cannot skip a row,
/// so it must not be lost as a whole), and the double is counted on /metrics.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DuplicateResultTests(PostgresServer postgres, MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_fire_stored_twice_is_kept_once_the_rest_of_its_batch_is_stored_and_the_double_is_counted(string provider)
    {
        await using var console = await ConsoleHost.StartAsync(moto, provider == "sqlite" ? ConsoleDatabase.Sqlite : postgres, "Probes:RunOnSchedule=false");
        var writer = console.Get<ProbeResultWriter>();
        var due = DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour).AddMinutes(-30);
        var first = Enumerable.Range(0, 10).Select(i => Result(71, due.AddSeconds(10 * i), startedAfterMs: 3)).ToList();
        await WriteAllAsync(writer, first);

        // The other node's run of the fourth fire, started a little later, in a batch with nine new fires.
        var second = Enumerable.Range(10, 9).Select(i => Result(71, due.AddSeconds(10 * i), startedAfterMs: 3))
            .Prepend(Result(71, due.AddSeconds(30), startedAfterMs: 41)).ToList();
        await WriteAllAsync(writer, second);

        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var stored = await db.ProbeResults.AsNoTracking().Where(r => r.TestId == 71).ToListAsync();
        stored.Should().HaveCount(19, "every fire once: the nine new ones of the second batch too");
        stored.Select(r => r.ScheduledAt).Should().OnlyHaveUniqueItems();
        stored.Single(r => r.ScheduledAt == due.AddSeconds(30)).StartLagMs.Should().Be(3, "the fire's first result is the one kept");
        writer.Duplicates.Should().Be(1);
        var metrics = PrometheusText.Parse(await console.Http.GetStringAsync("/metrics"));
        metrics.Value("console_probe_runs_duplicate_total").Should().Be(1);
    }

    private static async Task WriteAllAsync(ProbeResultWriter writer, IReadOnlyList<ProbeResult> results)
    {
        var completions = results.Select(_ => new TaskCompletionSource<ProbeResult?>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        for (var i = 0; i < results.Count; i++) await writer.WriteAsync(results[i], completions[i], CancellationToken.None);
        await Task.WhenAll(completions.Select(c => c.Task)).WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static ProbeResult Result(int testId, DateTime scheduledAt, double startedAfterMs) => new()
    {
        TestId = testId, Type = ProbeType.Http, Success = true, Reason = "ok", ScheduledAt = scheduledAt,
        StartedAt = scheduledAt.AddMilliseconds(startedAfterMs), StartLagMs = startedAfterMs, DurationMs = 12.5, Source = ProbeResult.ConsoleSource,
        Http = new HttpDetails { StatusCode = 200 },
    };
}
