using Microsoft.AspNetCore.OutputCaching;

namespace BlazorAwsConsole.StatusPages;

/// <summary>
/// Keeps the output cache from storing a response made from a view older than the last change: a request that read
/// its view before a change and finishes after the change's eviction would otherwise be stored and served stale until
/// it expires (seen as a 5 s delay on another node). The cache's generation is noted when the request starts; if it
/// moved by the time the response is stored, the response is sent but not kept. And while the node's notice listener is
/// not listening (<see cref="StatusViewCache.Caching"/>) nothing is looked up or kept.
/// </summary>
public sealed class StaleResponseGuard(StatusViewCache cache) : IOutputCachePolicy
{
    private const string Key = "status-pages.generation";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        context.HttpContext.Items[Key] = cache.Generation;
        // A node of a cluster that does not hear the other nodes' notices now serves nothing cached and keeps nothing.
        if (!cache.Caching) context.AllowCacheLookup = context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        if (context.HttpContext.Items[Key] is not long started || started != cache.Generation || !cache.Caching) context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}
