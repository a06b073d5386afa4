using System.Runtime.CompilerServices;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The LiveFeed events this node published for a change another node made. The outbox must not send them back
/// out (two nodes would echo each other forever); marking the event objects keeps the events' types as they are.
/// Weak keys: an event is forgotten when the feed's subscribers are done with it.
/// </summary>
public sealed class RelayedEvents
{
    private readonly ConditionalWeakTable<object, object> _relayed = [];

    public T Mark<T>(T change) where T : class
    {
        _relayed.AddOrUpdate(change, change);
        return change;
    }

    public bool IsRelayed(object change) => _relayed.TryGetValue(change, out _);
}
