using Microsoft.Playwright;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// Watches an open page, inside the browser, for an element (by data-testid) to show a text: a MutationObserver
/// stamps the moment (<c>Date.now()</c>, the machine's clock, as the test's <see cref="DateTimeOffset.UtcNow"/>), so
/// a live change's latency is measured to the millisecond instead of to Playwright's polling steps. A marker kept in
/// the page's window is wiped by a reload or navigation, so <see cref="WaitShownAsync"/> also proves the change came
/// live, through the circuit.
/// </summary>
public sealed class PageWatch
{
    private readonly IPage _page;
    private readonly string _key;

    private PageWatch(IPage page, string key)
    {
        _page = page;
        _key = key;
    }

    /// <summary>Starts watching; an element already showing <paramref name="text"/> counts at once.</summary>
    public static async Task<PageWatch> StartAsync(IPage page, string testId, string text)
    {
        var key = Guid.NewGuid().ToString("n");
        await page.EvaluateAsync("""
            ([key, testId, text]) => {
                window.__pageWatches = window.__pageWatches || {};
                const watch = window.__pageWatches[key] = { shownAt: null };
                const check = () => {
                    const element = document.querySelector(`[data-testid="${testId}"]`);
                    if (watch.shownAt === null && element && element.textContent.trim() === text) watch.shownAt = Date.now();
                };
                new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
                check();
            }
            """, new object[] { key, testId, text });
        return new PageWatch(page, key);
    }

    /// <summary>
    /// When the element first showed the text (polled every 100 ms up to <paramref name="timeout"/>); fails if the page
    /// was reloaded or left meanwhile (the watch is gone) or the text never showed.
    /// </summary>
    public async Task<DateTimeOffset> WaitShownAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = await _page.EvaluateAsync<string>("key => { const w = (window.__pageWatches || {})[key]; return w === undefined ? 'gone' : w.shownAt === null ? 'waiting' : String(w.shownAt); }", _key);
            if (state == "gone") throw new InvalidOperationException("the page was reloaded or left while the change was awaited: it did not come live");
            if (state != "waiting") return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(state, System.Globalization.CultureInfo.InvariantCulture));
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not shown within {timeout.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }
}
