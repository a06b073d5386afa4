using System.IO.Compression;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.StatusPages.Subscriptions;

namespace BlazorAwsConsole.StatusPages;

public static class StatusPagesFeature
{
    public static WebApplicationBuilder AddStatusPages(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StatusPageOptions>().BindConfiguration(StatusPageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var settings = builder.Configuration.GetSection(StatusPageOptions.Section).Get<StatusPageOptions>() ?? new();
        services.AddSingleton<IncidentMarkdown>();
        services.AddSingleton<ComponentStateRules>();
        services.AddSingleton<StatusViewBuilder>();
        services.AddSingleton<StatusViewCache>();
        services.AddHostedService(provider => provider.GetRequiredService<StatusViewCache>());
        services.AddSingleton<StatusPageService>();
        services.AddSingleton<SubscriptionTokens>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<ISubscriberSender, SubscriberSender>();
        // The output cache's in-memory store holds the public pages' responses (default cap 100 MB).
        services.AddOutputCache(cache => cache.AddPolicy(StatusViewCache.OutputCachePolicy,
            policy => policy.Expire(TimeSpan.FromSeconds(settings.CacheSeconds)).Tag(StatusViewCache.OutputCacheTag).SetVaryByHeader(HeaderNames.AcceptEncoding)
                .AddPolicy<StaleResponseGuard>()));
        // The page of 50 components with 90-day bars is ~670 KiB of very repetitive HTML: compressed once per change and
        // encoding (the cache keeps the compressed answer), it is ~20× smaller on the wire. Nothing secret is on these
        // answers (no antiforgery token, no session data), so compressing them over HTTPS gives BREACH nothing to find.
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = ["text/html", "application/json", "application/atom+xml", "image/svg+xml"];
        });
        services.Configure<BrotliCompressionProviderOptions>(brotli => brotli.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(gzip => gzip.Level = CompressionLevel.Optimal);
        services.AddRateLimiter(limits => limits.AddPolicy(PublicStatusEndpoints.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            "status:" + context.Connection.RemoteIpAddress,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.RequestsPerMinute, Window = TimeSpan.FromMinutes(1) }))
            .AddPolicy(SubscriptionEndpoints.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                "status-subscribe:" + context.Connection.RemoteIpAddress,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.SubscribesPerMinute, Window = TimeSpan.FromMinutes(1) })));
        return builder;
    }

    /// <summary>After sign-in and the rate limiter: the output cache serves anonymous visitors of published pages.</summary>
    public static WebApplication UseStatusPages(this WebApplication app)
    {
        app.UseOutputCache();
        // Inside the output cache, for /status/… only: the compressed answer is what is cached (one per Accept-Encoding).
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/status"), status => status.UseResponseCompression());
        return app;
    }

    public static WebApplication MapStatusPages(this WebApplication app)
    {
        app.MapStatusPagesApi();
        app.MapPublicStatusPages();
        app.MapStatusSubscriptions();
        return app;
    }
}
