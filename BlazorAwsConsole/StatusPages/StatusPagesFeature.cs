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
        services.AddSingleton<PublicAnswerCache>();
        services.AddHostedService(provider => provider.GetRequiredService<StatusViewCache>());
        services.AddSingleton<StatusPageService>();
        services.AddSingleton<SubscriptionTokens>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<ISubscriberSender, SubscriberSender>();
        // The page of 50 components with 90-day bars is ~670 KiB of very repetitive HTML: compressed once per change
        // (PublicAnswerCache keeps the compressed answers), it is ~20× smaller on the wire; the answers it does not keep
        // (private pages, feeds, badges) are compressed here per request. Nothing secret is on these answers (no
        // antiforgery token, no session data), so compressing them over HTTPS gives BREACH nothing to find.
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

    /// <summary>Compression of /status/… answers that are not already compressed (a kept answer comes with its encoding).</summary>
    public static WebApplication UseStatusPages(this WebApplication app)
    {
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
