using Microsoft.AspNetCore.OutputCaching;

namespace BlazorAwsConsole.StatusPages;

/// <summary>
/// Keeps the output cache from storing a response made from a view older than the last change: a request that read
/// its view before a change and finishes after the change's eviction would otherwise be stored and served stale until
/// it expires (seen as a 5 s delay on another node). The cache's generation is noted when the request starts; if it
/// moved by the time the response is stored, the response is sent but not kept.
/// </summary>
public sealed class StaleResponseGuard(StatusViewCache cache) : IOutputCachePolicy
{
    private const string Key = "status-pages.generation";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        context.HttpContext.Items[Key] = cache.Generation;
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        if (context.HttpContext.Items[Key] is not long started || started != cache.Generation) context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}
