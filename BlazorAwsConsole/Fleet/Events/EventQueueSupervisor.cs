using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Fleet.Events;

/// <summary>
/// Runs one <see cref="EventQueueReader"/> per enabled region with an event queue, and keeps that set
/// equal to the database: at start-up, at once after a region is changed on the settings pages
/// (<see cref="ReconcileAsync"/>), and every <see cref="RecheckInterval"/> (so a change made on another
/// node is picked up too).
/// </summary>
public sealed class EventQueueSupervisor(
    IDbContextFactory<ConsoleDbContext> databases,
    AwsClientFactory aws,
    FleetEventHandler handler,
    EventQueueBoard board,
    TimeProvider time,
    IOptions<FleetOptions> options,
    ILoggerFactory loggers) : BackgroundService
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (EventQueueReader Reader, CancellationTokenSource Stop, Task Running)> _readers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger = loggers.CreateLogger<EventQueueSupervisor>();
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>Regions whose queue is being read on this node.</summary>
    public IReadOnlyCollection<string> Reading
    {
        get { lock (_readers) return _readers.Keys.ToList(); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning("Could not read the regions' event queues from the database: {Error}", ex.Message);
            }
            try { await Task.Delay(RecheckInterval, time, stoppingToken); } catch (OperationCanceledException) { break; }
        }
        await StopAllAsync();
    }

    /// <summary>Starts readers for new queues and stops those of regions removed, disabled or pointed elsewhere.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var wanted = await db.Regions.AsNoTracking().Where(r => r.Enabled && r.EventQueueUrl != null && r.EventQueueUrl != "")
                .ToDictionaryAsync(r => r.Code, r => r.EventQueueUrl!, StringComparer.Ordinal, cancellationToken);
            List<(string Region, CancellationTokenSource Stop, Task Running)> stopping;
            lock (_readers)
            {
                stopping = _readers.Where(r => !wanted.TryGetValue(r.Key, out var url) || url != r.Value.Reader.QueueUrl)
                    .Select(r => (r.Key, r.Value.Stop, r.Value.Running)).ToList();
                foreach (var (region, _, _) in stopping) _readers.Remove(region);
            }
            foreach (var (region, stop, running) in stopping)
            {
                await stop.CancelAsync();
                await running;
                stop.Dispose();
                board.Stopped(region);
                _logger.LogInformation("Stopped reading the event queue of {Region}", region);
            }
            lock (_readers)
            {
                foreach (var (region, url) in wanted.Where(w => !_readers.ContainsKey(w.Key)))
                {
                    var reader = new EventQueueReader(region, url, aws, handler, board, time, options.Value.EventWaitSeconds,
                        loggers.CreateLogger<EventQueueReader>());
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
                    _readers[region] = (reader, stop, Task.Run(() => reader.RunAsync(stop.Token), CancellationToken.None));
                    _logger.LogInformation("Reading EC2 events of {Region} from {QueueUrl}", region, url);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopAllAsync()
    {
        List<(CancellationTokenSource Stop, Task Running)> all;
        lock (_readers)
        {
            all = _readers.Values.Select(r => (r.Stop, r.Running)).ToList();
            _readers.Clear();
        }
        foreach (var (stop, _) in all) await stop.CancelAsync();
        await Task.WhenAll(all.Select(r => r.Running));
        foreach (var (stop, _) in all) stop.Dispose();
    }
}
