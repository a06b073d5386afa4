using System.Collections.Concurrent;
using BlazorAwsConsole.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Benchmarks.Locations;

/// <summary>
/// One stored result as the watch first saw it: test, location, scheduled time, when the run finished (start + duration,
/// the runner's own clock: the agents run on this machine, so one clock) and when it was first seen stored (UTC ticks).
/// </summary>
internal readonly record struct SeenRun(int TestId, string Location, long ScheduledTicks, long FinishedTicks, long SeenTicks)
{
    /// <summary>Finished → seen stored: an upper bound of the store latency (the row was committed before the poll that saw it began).</summary>
    public double StoreLatencyMs => (SeenTicks - FinishedTicks) / (double)TimeSpan.TicksPerMillisecond;
}

/// <summary>
/// Results have no stored-at column, so the benchmark watches the console's SQLite file from its own process: every
/// <see cref="Every"/> it reads the rows with an id above the last one seen (WAL: a reader never blocks the console's
/// writer; a single writer hands out ids in commit order) and stamps each with the time that poll began. A row seen by a
/// poll was committed before it began, so "seen" − "finished" is an upper bound of the store latency, over by at most
/// one interval plus the poll's own delay. The console's process pays nothing for it: the watch is this process's CPU.
/// </summary>
internal sealed class StoreWatch : IAsyncDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);
    private readonly IDbContextFactory<ConsoleDbContext> _contexts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;
    private long _lastId;

    private StoreWatch(IDbContextFactory<ConsoleDbContext> contexts)
    {
        _contexts = contexts;
        _polling = Task.Run(PollAsync);
    }

    public ConcurrentQueue<SeenRun> Seen { get; } = new();

    /// <summary>Polls that failed (the file busy); each is retried at the next interval.</summary>
    public int FailedPolls { get; private set; }

    public static StoreWatch Start(IDbContextFactory<ConsoleDbContext> contexts) => new(contexts);

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            do
            {
                var began = DateTime.UtcNow.Ticks;
                try
                {
                    await using var db = await _contexts.CreateDbContextAsync(_stop.Token);
                    var rows = await db.ProbeResults.AsNoTracking().Where(r => r.Id > _lastId).OrderBy(r => r.Id)
                        .Select(r => new { r.Id, r.TestId, r.Location, r.ScheduledAt, r.StartedAt, r.DurationMs })
                        .ToListAsync(_stop.Token);
                    foreach (var r in rows)
                    {
                        // Both providers store UTC; SQLite hands it back unspecified, so ticks are read as they are.
                        Seen.Enqueue(new SeenRun(r.TestId, r.Location, r.ScheduledAt.Ticks,
                            r.StartedAt.Ticks + (long)(r.DurationMs * TimeSpan.TicksPerMillisecond), began));
                    }
                    if (rows.Count > 0) _lastId = rows[^1].Id;
                }
                catch (SqliteException)
                {
                    FailedPolls++;
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops polling (again: a no-op); what was seen stays readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _polling;
    }
}
