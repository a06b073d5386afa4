using System.Threading.Channels;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Stores results in batches (one transaction per batch of up to Probes:WriteBatchSize, or what
/// arrived within Probes:WriteBatchMilliseconds; on PostgreSQL one binary COPY, see <see cref="ProbeResultCopy"/>; on SQLite
/// one prepared INSERT, see <see cref="ProbeResultInsert"/>), then updates the status board and publishes
/// <see cref="ProbeResultsStored"/>. A batch that fails to save is retried until it is stored:
/// a result is never dropped, and the workers wait (backpressure) rather than lose one. A result of a fire that is
/// stored already (two nodes ran it at a handover) is skipped by the database and counted in <see cref="Duplicates"/>
/// (<c>console_probe_runs_duplicate_total</c>); the rest of its batch is stored.
/// </summary>
public sealed class ProbeResultWriter : BackgroundService
{
    private readonly Channel<(ProbeResult Result, TaskCompletionSource<ProbeResult?>? Completion)> _queue =
        Channel.CreateBounded<(ProbeResult, TaskCompletionSource<ProbeResult?>?)>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private readonly IDbContextFactory<ConsoleDbContext> _contexts;
    private readonly ProbeStatusBoard _board;
    private readonly LiveFeed _feed;
    private readonly IOptionsMonitor<ProbeOptions> _options;
    private readonly ILogger<ProbeResultWriter> _logger;
    private readonly ProbeResultCopy _copy = new();
    private readonly ProbeResultInsert _insert = new();
    private long _stored;
    private long _duplicates;

    public ProbeResultWriter(IDbContextFactory<ConsoleDbContext> contexts, ProbeStatusBoard board, LiveFeed feed,
        IOptionsMonitor<ProbeOptions> options, ILogger<ProbeResultWriter> logger)
    {
        _contexts = contexts;
        _board = board;
        _feed = feed;
        _options = options;
        _logger = logger;
    }

    /// <summary>Results written to the database since start.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Results not stored since start because their fire (test, scheduled time) was stored already.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Raised after each stored batch, on the writer's task (the metrics and the alert rules listen).</summary>
    public event Action<IReadOnlyList<ProbeResult>>? BatchStored;

    public ValueTask WriteAsync(ProbeResult result, TaskCompletionSource<ProbeResult?>? completion, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync((result, completion), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(ProbeResult Result, TaskCompletionSource<ProbeResult?>? Completion)>();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var settings = _options.CurrentValue;
                // The first result opens the window; what arrives within it is taken when it closes, in one go.
                // Waiting for each result in turn woke this task once per run (833 a second at issue 13's 50,000 tests),
                // which cost more CPU than storing them. A batch that is already full (a backlog) is written at once.
                Take(reader, batch, settings.WriteBatchSize);
                if (batch.Count < settings.WriteBatchSize)
                {
                    await Task.Delay(settings.WriteBatchMilliseconds, stoppingToken);
                    Take(reader, batch, settings.WriteBatchSize);
                }
                await StoreAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Shutting down: what is queued is still written (a few attempts: a database that is gone must not hold the stop forever).
        Take(reader, batch, int.MaxValue);
        if (batch.Count > 0) await StoreAsync(batch, new CancellationToken(canceled: true));
        _logger.LogInformation("Probe result writer stopped: {Stored} results stored since start", Stored);
    }

    private static void Take<T>(ChannelReader<T> reader, List<T> batch, int size)
    {
        while (batch.Count < size && reader.TryRead(out var item)) batch.Add(item);
    }

    private async Task StoreAsync(List<(ProbeResult Result, TaskCompletionSource<ProbeResult?>? Completion)> batch, CancellationToken stoppingToken)
    {
        if (batch.Count == 0) return;
        IReadOnlyList<ProbeResult> results;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await _contexts.CreateDbContextAsync(CancellationToken.None);
                results = db.Database.IsNpgsql()
                    ? await _copy.WriteAsync(db, [.. batch.Select(b => b.Result)], CancellationToken.None)
                    : await _insert.WriteAsync(db, [.. batch.Select(b => b.Result)], CancellationToken.None);
                break;
            }
            catch (Exception error) when (error is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                foreach (var item in batch) item.Result.Id = 0;
                if (stoppingToken.IsCancellationRequested && attempt >= 3)
                {
                    _logger.LogError(error, "Storing {Count} probe results failed {Attempts} times while the console stops: they are lost", batch.Count, attempt);
                    foreach (var (_, completion) in batch) completion?.TrySetResult(null);
                    return;
                }
                _logger.LogError(error, "Storing {Count} probe results failed (attempt {Attempt}); retrying", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt)), CancellationToken.None);
            }
        }
        Interlocked.Add(ref _stored, results.Count);
        if (results.Count < batch.Count)
        {
            Interlocked.Add(ref _duplicates, batch.Count - results.Count);
            _logger.LogInformation("{Count} probe results were not stored: their fire (test, scheduled time) was stored already, run twice at a handover",
                batch.Count - results.Count);
        }
        if (results.Count == 0)
        {
            foreach (var (result, completion) in batch) completion?.TrySetResult(result);
            return;
        }
        _board.Record(results);
        try
        {
            BatchStored?.Invoke(results);
        }
        catch (Exception error)
        {
            _logger.LogWarning(error, "A listener of stored probe results failed");
        }
        // Callers waiting on a run see its result only after every listener has taken it in.
        foreach (var (result, completion) in batch) completion?.TrySetResult(result);
        _feed.Publish(new ProbeResultsStored(results));
    }
}
