using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorAwsConsole.StatusPages;

/// <summary>One rendered answer of a published page (its HTML or JSON), compressed once for every visitor.</summary>
public sealed record PublicAnswer(string ContentType, byte[] Plain, byte[] Brotli, byte[] Gzip) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => PublicAnswerCache.WriteAsync(httpContext, this);
}

/// <summary>
/// The published pages' answers, rendered and compressed once per change and served from memory. When results, the fleet
/// or alerts change (or an answer is <see cref="StatusPageOptions.CacheSeconds"/> old), visitors keep getting the answer
/// they had while one refresh builds the next in the background (stale-while-revalidate): nobody waits for a rebuild
/// (the database read, the render of ~670 KiB of HTML and its compression), which, with every waiting connection queued
/// behind it, was the status benchmark's p99 of 0.5–1 s. A change to the page itself (an incident, its components,
/// publishing, a maintenance window) is never served stale: the next request waits for the new answer, shared by all.
/// A private page's answers are never kept, and nothing is kept while a cluster node does not hear the others
/// (<see cref="StatusViewCache.Caching"/>).
/// </summary>
public sealed class PublicAnswerCache(StatusViewCache views, TimeProvider time, IOptionsMonitor<StatusPageOptions> options, ILogger<PublicAnswerCache> logger)
{
    private const int BrotliQuality = 5, BrotliWindow = 22;

    private sealed record Held(PublicAnswer Answer, long Generation, long PageGeneration, long BuiltAt);

    private sealed class Slot
    {
        public volatile Held? Current;
        public Task<Held?>? Refresh;
    }

    /// <summary>After a failed refresh, visitors keep the last answer this long before the next try (a database that is down is not asked per request).</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// The <paramref name="kind"/> answer ("html", "json") of a published page, or null when the page is not published (or
    /// does not exist): the caller answers uncached. Held per existing published page only, so visitors naming slugs
    /// cannot grow it.
    /// </summary>
    public async Task<PublicAnswer?> GetAsync(string slug, string kind, Func<PublicStatusView, (string Body, string ContentType)> render)
    {
        if (!views.Caching) return null;
        var key = kind + "/" + slug;
        if (!_slots.TryGetValue(key, out var slot))
        {
            // The first visitor of an answer builds it; it is kept only if the page turns out to be published.
            var first = new Slot();
            if (await RefreshAsync(first, slug, render) is not { } built) return null;
            return (_slots.GetOrAdd(key, first).Current ?? built).Answer;
        }
        if (slot.Current is { } held && held.PageGeneration == views.PageGeneration)
        {
            if (held.Generation != views.Generation || time.GetElapsedTime(held.BuiltAt) >= TimeSpan.FromSeconds(options.CurrentValue.CacheSeconds))
            {
                _ = RefreshAsync(slot, slug, render);
            }
            return held.Answer;
        }
        // A refresh already under way may have begun before the page changed: then wait for one begun after it.
        for (var attempt = 1; ; attempt++)
        {
            if (await RefreshAsync(slot, slug, render) is not { } fresh)
            {
                _slots.TryRemove(new KeyValuePair<string, Slot>(key, slot));
                return null;
            }
            if (fresh.PageGeneration == views.PageGeneration || attempt == 3) return fresh.Answer;
        }
    }

    /// <summary>One refresh per answer at a time: callers arriving meanwhile share it.</summary>
    private Task<Held?> RefreshAsync(Slot slot, string slug, Func<PublicStatusView, (string Body, string ContentType)> render)
    {
        lock (slot)
        {
            if (slot.Refresh is { IsCompleted: false } running) return running;
            var refresh = BuildAsync(slot, slug, render);
            slot.Refresh = refresh;
            return refresh;
        }
    }

    private async Task<Held?> BuildAsync(Slot slot, string slug, Func<PublicStatusView, (string Body, string ContentType)> render)
    {
        await Task.Yield();
        try
        {
            // Read before the view: an answer built from a view older than a change carries the older generation, so the
            // next visitor refreshes it again (and a page change is never served from it).
            var (generation, pageGeneration, builtAt) = (views.Generation, views.PageGeneration, time.GetTimestamp());
            var view = await views.GetAsync(slug, CancellationToken.None);
            if (view is not { Published: true })
            {
                slot.Current = null;
                return null;
            }
            var rendered = render(view);
            var plain = System.Text.Encoding.UTF8.GetBytes(rendered.Body);
            var held = new Held(new PublicAnswer(rendered.ContentType, plain, Brotli(plain), Gzip(plain)), generation, pageGeneration, builtAt);
            if (views.Caching) slot.Current = held;
            return held;
        }
        catch (Exception error)
        {
            // A visitor still gets the last answer (or an uncached one); the next request tries again.
            logger.LogWarning(error, "Could not refresh the public answer of status page {Slug}", slug);
            await Task.Delay(RetryAfterFailure, time);
            return null;
        }
    }

    /// <summary>Writes <paramref name="answer"/> in the encoding the visitor asked for (Brotli, then gzip, else plain).</summary>
    public const string SharedCacheControl = "public, max-age=1, stale-while-revalidate=5";

    public static Task WriteAsync(HttpContext context, PublicAnswer answer)
    {
        var (body, encoding) = Pick(context.Request.Headers.AcceptEncoding) switch
        {
            "br" => (answer.Brotli, "br"),
            "gzip" => (answer.Gzip, "gzip"),
            _ => (answer.Plain, null),
        };
        var response = context.Response;
        response.ContentType = answer.ContentType;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        // A published page's answer is the same for every visitor: a shared cache in front (deploy/nginx.conf, a CDN) may
        // keep it a second and serve it a few more while it fetches the next, so an outage's crowd reaches the console
        // about once a second per answer. Kept that short so a change still shows within the 2 s it does without one.
        response.Headers.CacheControl = SharedCacheControl;
        if (encoding is not null) response.Headers.ContentEncoding = encoding;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static string? Pick(Microsoft.Extensions.Primitives.StringValues acceptEncoding)
    {
        if (!StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var accepted)) return null;
        double Quality(string coding) => accepted.Where(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) || a.Value == "*")
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var (br, gzip) = (Quality("br"), Quality("gzip"));
        return br > 0 && br >= gzip ? "br" : gzip > 0 ? "gzip" : null;
    }

    private static byte[] Brotli(byte[] plain)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(plain.Length)];
        return BrotliEncoder.TryCompress(plain, buffer, out var written, BrotliQuality, BrotliWindow) ? buffer[..written] : throw new InvalidOperationException("Brotli compression failed");
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(plain);
        return output.ToArray();
    }
}
