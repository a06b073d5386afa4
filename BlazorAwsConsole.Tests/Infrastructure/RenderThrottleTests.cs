using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorAwsConsole.Tests.Infrastructure;

public sealed class RenderThrottleTests
{
    private sealed record Changed(int Version);

    [Fact]
    public async Task A_thousand_events_in_a_second_cause_a_handful_of_renders_and_the_last_state_is_rendered()
    {
        var feed = new LiveFeed(NullLogger<LiveFeed>.Instance);
        var current = 0;
        var rendered = -1;
        var finalRender = new TaskCompletionSource();
        using var throttle = new RenderThrottle(() =>
        {
            rendered = Volatile.Read(ref current);
            if (rendered == 1000) finalRender.TrySetResult();
            return Task.CompletedTask;
        });
        using var _ = feed.Subscribe<Changed>(throttle.OnChange);

        for (var version = 1; version <= 1000; version++)
        {
            Volatile.Write(ref current, version);
            feed.Publish(new Changed(version));
            if (version % 100 == 0) await Task.Delay(100);
        }
        await finalRender.Task.WaitAsync(TimeSpan.FromSeconds(5));

        throttle.RenderCount.Should().BeInRange(1, 12, "renders are coalesced to a few a second, not one per event");
        rendered.Should().Be(1000);
    }

    [Fact]
    public async Task Nothing_is_rendered_when_nothing_changed()
    {
        var renders = 0;
        using var throttle = new RenderThrottle(() => { renders++; return Task.CompletedTask; }, interval: TimeSpan.FromMilliseconds(20));

        await Task.Delay(200);

        renders.Should().Be(0);
    }
}
