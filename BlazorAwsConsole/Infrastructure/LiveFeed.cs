using System.Collections.Concurrent;
using System.Threading.Channels;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// In-process publish/subscribe of typed change events (DESIGN.md, "One path for every change").
/// Publishing never blocks: every subscriber owns a bounded queue that drops its oldest events
/// when it falls behind, so a slow circuit can never hold up a job. Subscribers must treat an event
/// as "something changed, read the current state", never as the only copy of the change.
/// </summary>
public sealed class LiveFeed(ILogger<LiveFeed> logger)
{
    public const int DefaultQueueCapacity = 64;

    private readonly ConcurrentDictionary<Guid, ISubscription> _subscriptions = new();

    public int SubscriberCount => _subscriptions.Count;

    public void Publish<TEvent>(TEvent change) where TEvent : notnull
    {
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription is Subscription<TEvent> typed)
            {
                typed.Offer(change);
            }
        }
    }

    public IDisposable Subscribe<TEvent>(Func<TEvent, Task> handler, int queueCapacity = DefaultQueueCapacity)
        where TEvent : notnull
    {
        var id = Guid.NewGuid();
        var subscription = new Subscription<TEvent>(handler, queueCapacity, logger, () => _subscriptions.TryRemove(id, out _));
        _subscriptions[id] = subscription;
        return subscription;
    }

    private interface ISubscription : IDisposable;

    private sealed class Subscription<TEvent> : ISubscription
    {
        private readonly Channel<TEvent> _queue;
        private readonly Func<TEvent, Task> _handler;
        private readonly ILogger _logger;
        private readonly Action _onDispose;
        private int _disposed;

        public Subscription(Func<TEvent, Task> handler, int capacity, ILogger logger, Action onDispose)
        {
            _handler = handler;
            _logger = logger;
            _onDispose = onDispose;
            _queue = Channel.CreateBounded<TEvent>(new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            });
            _ = Task.Run(DeliverAsync);
        }

        public void Offer(TEvent change) => _queue.Writer.TryWrite(change);

        private async Task DeliverAsync()
        {
            await foreach (var change in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    await _handler(change);
                }
                catch (Exception ex)
                {
                    // A broken subscriber must not stop deliveries to itself or anyone else.
                    _logger.LogWarning(ex, "A live feed subscriber failed on {EventType}", typeof(TEvent).Name);
                }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            _queue.Writer.TryComplete();
            _onDispose();
        }
    }
}
