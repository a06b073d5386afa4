using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorAwsConsole.Tests.Infrastructure;

public sealed class LiveFeedTests
{
    private sealed record Tick(int Number);

    private readonly LiveFeed _feed = new(NullLogger<LiveFeed>.Instance);

    [Fact]
    public async Task Subscribers_receive_published_events_of_their_type_only()
    {
        var received = new TaskCompletionSource<Tick>();
        using var _ = _feed.Subscribe<Tick>(tick => { received.TrySetResult(tick); return Task.CompletedTask; });
        using var __ = _feed.Subscribe<string>(_ => throw new InvalidOperationException("wrong type delivered"));

        _feed.Publish(new Tick(7));

        (await received.Task.WaitAsync(TimeSpan.FromSeconds(5))).Number.Should().Be(7);
    }

    [Fact]
    public async Task A_stuck_subscriber_never_blocks_the_publisher_and_keeps_only_the_newest_events()
    {
        var release = new TaskCompletionSource();
        var seen = new List<int>();
        var lastSeen = new TaskCompletionSource();
        using var _ = _feed.Subscribe<Tick>(async tick =>
        {
            await release.Task;
            lock (seen) seen.Add(tick.Number);
            if (tick.Number == 9_999) lastSeen.TrySetResult();
        }, queueCapacity: 8);

        for (var n = 0; n < 10_000; n++) _feed.Publish(new Tick(n)); // returns although nothing is consumed
        release.SetResult();
        await lastSeen.Task.WaitAsync(TimeSpan.FromSeconds(5));

        seen.Count.Should().BeLessThanOrEqualTo(9, "a slow subscriber loses intermediate events");
        seen.Last().Should().Be(9_999, "it always catches up with the newest");
    }

    [Fact]
    public void Disposing_a_subscription_removes_it()
    {
        var before = _feed.SubscriberCount;
        var subscription = _feed.Subscribe<Tick>(_ => Task.CompletedTask);
        _feed.SubscriberCount.Should().Be(before + 1);

        subscription.Dispose();
        subscription.Dispose();

        _feed.SubscriberCount.Should().Be(before);
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_later_deliveries()
    {
        var delivered = 0;
        var second = new TaskCompletionSource();
        using var _ = _feed.Subscribe<Tick>(tick =>
        {
            Interlocked.Increment(ref delivered);
            if (tick.Number == 1) throw new InvalidOperationException("boom");
            second.TrySetResult();
            return Task.CompletedTask;
        });

        _feed.Publish(new Tick(1));
        _feed.Publish(new Tick(2));

        await second.Task.WaitAsync(TimeSpan.FromSeconds(5));
        delivered.Should().Be(2);
    }
}
