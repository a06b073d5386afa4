using System.Collections.Concurrent;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Fleet.Events;

/// <summary>How one region's event queue is read on this node, held in memory like the region's sync status.</summary>
/// <param name="LastReceiveAt">When the last ReceiveMessage succeeded (with or without messages).</param>
/// <param name="LastEventAt">When the last EC2 event was applied.</param>
/// <param name="Error">Why the queue cannot be read now (AWS's words); null while it is read.</param>
public sealed record EventQueueStatus(string Region, string QueueUrl, DateTime? LastReceiveAt, DateTime? LastEventAt, string? Error,
    long EventsApplied, long MessagesRejected);

/// <summary>
/// The state of every region's event reader, for the settings pages, the API and the poll (which
/// slows down for a region while its events flow). A change of health is published on the live feed
/// as a region update, so open pages show it.
/// </summary>
public sealed class EventQueueBoard(LiveFeed feed, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, EventQueueStatus> _regions = new(StringComparer.Ordinal);

    public EventQueueStatus? For(string region) => _regions.GetValueOrDefault(region);

    /// <summary>True while the region's queue is read without error and answered recently: its events can stand in for frequent polls.</summary>
    public bool IsFlowing(string region, TimeSpan within) =>
        _regions.TryGetValue(region, out var status) && status.Error is null && status.LastReceiveAt is { } at
        && time.GetUtcNow().UtcDateTime - at <= within;

    internal void Started(string region, string queueUrl) =>
        _regions[region] = new EventQueueStatus(region, queueUrl, null, null, null, 0, 0);

    internal void Stopped(string region)
    {
        if (_regions.TryRemove(region, out _)) feed.Publish(new FleetChanged([], [region]));
    }

    internal void Received(string region) => Update(region, s => s with { LastReceiveAt = Now, Error = null });

    internal void Failed(string region, string error) => Update(region, s => s with { Error = error });

    internal void Applied(string region) => Update(region, s => s with { LastEventAt = Now, EventsApplied = s.EventsApplied + 1 });

    internal void Rejected(string region) => Update(region, s => s with { MessagesRejected = s.MessagesRejected + 1 });

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private void Update(string region, Func<EventQueueStatus, EventQueueStatus> change)
    {
        while (_regions.TryGetValue(region, out var current))
        {
            var next = change(current);
            if (!_regions.TryUpdate(region, next, current)) continue;
            // Pages show whether events flow: tell them when that changes, not at every receive.
            if ((current.Error is null) != (next.Error is null) || current.Error != next.Error || current.LastReceiveAt is null && next.LastReceiveAt is not null)
            {
                feed.Publish(new FleetChanged([], [region]));
            }
            return;
        }
    }
}
