namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// Coalesces many "something changed" signals into at most one render per interval (DESIGN.md,
/// "Live pages that stay fast"): a component marks itself dirty on every event and this timer
/// renders once if anything was marked since the last tick.
/// </summary>
public sealed class RenderThrottle : IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(250);

    private readonly Func<Task> _render;
    private readonly ITimer _timer;
    private int _dirty;

    public RenderThrottle(Func<Task> render, TimeProvider? time = null, TimeSpan? interval = null)
    {
        _render = render;
        var period = interval ?? DefaultInterval;
        _timer = (time ?? TimeProvider.System).CreateTimer(_ => _ = FlushAsync(), null, period, period);
    }

    public int RenderCount { get; private set; }

    public void MarkDirty() => Interlocked.Exchange(ref _dirty, 1);

    /// <summary>The handler signature the live feed expects, for one-line subscriptions.</summary>
    public Task OnChange<TEvent>(TEvent _)
    {
        MarkDirty();
        return Task.CompletedTask;
    }

    private async Task FlushAsync()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0) return;
        RenderCount++;
        try
        {
            await _render();
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the tick and the render; nothing to show it to.
        }
    }

    public void Dispose() => _timer.Dispose();
}
