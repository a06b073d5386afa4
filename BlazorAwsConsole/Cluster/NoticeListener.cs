using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// Listens on the cluster's channel over one dedicated, long-lived connection and hands every other node's notice
/// to <see cref="ClusterViews"/>, one at a time, in arrival order. A dropped connection is opened again with a
/// growing delay (up to <see cref="MaxBackoff"/>); notices sent meanwhile are lost, so after a reconnect every
/// view is re-read. Every Cluster:RefreshSeconds the views are re-read anyway: a notice is a hint, and a lost
/// one only delays a change.
/// Any login to the database can NOTIFY on the channel, so a notice is never trusted for more than "re-read this":
/// with Cluster:NoticeKey set, a notice without its sender's valid signature is dropped (and counted), and
/// "re-read everything of a kind" runs at most once per <see cref="FullRereadInterval"/> per kind: the ones that
/// arrive sooner are folded into one re-read at the end of that interval.
/// </summary>
public sealed class NoticeListener(ClusterViews views, NoticeOrigin origin, NoticeSignature signature, IConfiguration configuration,
    IOptions<ClusterOptions> options, TimeProvider time, NoticeListening listeningState, Infrastructure.LiveFeed feed, ILogger<NoticeListener> logger) : BackgroundService
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>At most one "re-read everything" of a kind per this long, however many notices ask for it.</summary>
    public static readonly TimeSpan FullRereadInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _fullRereadsLock = new();
    // Per kind: when everything of it was last re-read for a notice (the last 100, for tests), and the kinds with a re-read put off.
    private readonly Dictionary<string, List<DateTimeOffset>> _fullRereads = new(StringComparer.Ordinal);
    private readonly HashSet<string> _putOff = new(StringComparer.Ordinal);
    private long _folded;
    private long _rejected;

    /// <summary>When this node re-read everything of <paramref name="kind"/> for other nodes' notices (tests read it; the last 100).</summary>
    public IReadOnlyList<DateTimeOffset> FullRereads(string kind)
    {
        lock (_fullRereadsLock) return _fullRereads.TryGetValue(kind, out var times) ? [.. times] : [];
    }

    /// <summary>"Re-read everything" notices folded into another re-read since start.</summary>
    public long Folded => Interlocked.Read(ref _folded);

    /// <summary>Notices dropped since start: not a notice, or (with Cluster:NoticeKey) not signed with the key.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Re-reads everything of a kind (or asks Vault): what a flood of notices must not repeat in a loop.</summary>
    private static bool IsFullReread(ClusterNotice notice) => notice.All || notice.Kind == NoticeKinds.Vault;

    /// <summary>
    /// True when a full re-read of <paramref name="kind"/> may run now (it is then counted as run); otherwise one is put
    /// off to the end of the interval (once, however many notices ask meanwhile) and this notice is folded into it.
    /// </summary>
    private bool MayRereadAll(string kind, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        lock (_fullRereadsLock)
        {
            if (!_fullRereads.TryGetValue(kind, out var times)) _fullRereads[kind] = times = [];
            if (times.Count == 0 || now - times[^1] >= FullRereadInterval)
            {
                times.Add(now);
                if (times.Count > 100) times.RemoveAt(0);
                return true;
            }
            if (_putOff.Add(kind)) _ = RereadLaterAsync(kind, times[^1] + FullRereadInterval - now, stoppingToken);
        }
        Interlocked.Increment(ref _folded);
        return false;
    }

    private async Task RereadLaterAsync(string kind, TimeSpan wait, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(wait, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        lock (_fullRereadsLock) _putOff.Remove(kind);
        // In turn with the notices, like the timer's re-read.
        _received.Writer.TryWrite(new ClusterNotice("", kind, All: true));
    }

    private readonly Channel<ClusterNotice> _received = Channel.CreateUnbounded<ClusterNotice>(new() { SingleReader = true });
    private long _applied;
    private long _connections;

    /// <summary>Other nodes' notices applied since start (tests read it).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Times the listening connection was opened (tests read it: a reconnect makes it 2).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>The backend process id of the listening connection (tests end it to prove the reconnect); 0 when not connected.</summary>
    public int ListeningProcessId { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), ApplyAsync(stoppingToken), RefreshAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Console"))
        {
            // A connection that died quietly (a network cut, no FIN) is noticed by the keepalive query, not never.
            KeepAlive = 15,
            Pooling = false,
            ApplicationName = "console-notices",
        };
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ListenOnceAsync(builder.ConnectionString, () => backoff = TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    ListeningProcessId = 0;
                    SetListening(false);
                    logger.LogWarning("Lost the connection that listens for other nodes' changes ({Error}); trying again in {Seconds} s", error.Message, backoff.TotalSeconds);
                }
                await Task.Delay(backoff, time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    /// <summary>Opens the connection, listens, and waits for notices until the connection fails (it throws then).</summary>
    private async Task ListenOnceAsync(string connectionString, Action listening, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            if (signature.Open(e.Payload) is not { } payload || ClusterNotice.Parse(payload) is not { } notice)
            {
                Interlocked.Increment(ref _rejected);
                return;
            }
            if (notice.From != origin.Name) _received.Writer.TryWrite(notice);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {ClusterNotice.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        ListeningProcessId = connection.ProcessID;
        SetListening(true);
        listening();
        if (Interlocked.Increment(ref _connections) > 1)
        {
            logger.LogInformation("Listening for other nodes' changes again; re-reading every view");
            _received.Writer.TryWrite(Reconnected);
        }
        while (true) await connection.WaitAsync(stoppingToken);
    }

    /// <summary>Tells <see cref="NoticeListening"/> and the LiveFeed (what caches on the strength of notices drops its copy then).</summary>
    private void SetListening(bool now)
    {
        if (listeningState.IsListening == now) return;
        listeningState.Set(now);
        feed.Publish(new NoticeListeningChanged(now));
    }

    // Not sent by anyone: queued by this node itself, so a re-read runs in turn with the notices, never beside one.
    private static readonly ClusterNotice Reconnected = new("", "reconnected");
    private static readonly ClusterNotice Refresh = new("", "refresh");

    private async Task ApplyAsync(CancellationToken stoppingToken)
    {
        await foreach (var notice in _received.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                if (ReferenceEquals(notice, Reconnected)) await views.ReloadAllAsync(withResults: true, stoppingToken);
                else if (ReferenceEquals(notice, Refresh)) await views.ReloadAllAsync(withResults: false, stoppingToken);
                else if (IsFullReread(notice) && !MayRereadAll(notice.Kind, stoppingToken)) continue;
                else await views.ApplyAsync(notice, stoppingToken);
                Interlocked.Increment(ref _applied);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The database is away for a moment: the timer's re-read catches up.
                logger.LogWarning(error, "Could not apply a {Kind} notice from {Node}", notice.Kind, notice.From);
            }
        }
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) _received.Writer.TryWrite(Refresh);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
