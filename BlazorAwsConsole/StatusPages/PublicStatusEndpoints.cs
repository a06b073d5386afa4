using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.StatusPages;

/// <summary>
/// /status/{slug} and its JSON, Atom feed and badges: anonymous and read-only for a published page, signed-in users
/// only otherwise (anonymous visitors get 404, so a private page's slug is not confirmed either). Behind their own
/// rate limit; a published page's HTML and JSON are served from <see cref="PublicAnswerCache"/>, the feed and badges
/// are rendered from the cached view.
/// </summary>
public static class PublicStatusEndpoints
{
    public const string RateLimitPolicy = "status-public";

    public static IEndpointRouteBuilder MapPublicStatusPages(this IEndpointRouteBuilder app)
    {
        var status = app.MapGroup("/status/{slug}").AllowAnonymous().RequireRateLimiting(RateLimitPolicy).ExcludeFromDescription();
        status.MapGet("", Html);
        status.MapGet("/api", Json);
        status.MapGet("/feed.atom", Atom);
        status.MapGet("/badge/{component}.svg", Badge);
        return app;
    }

    private static async Task<PublicStatusView?> VisibleAsync(string slug, HttpContext context, StatusViewCache cache)
    {
        var view = await cache.GetAsync(slug, context.RequestAborted);
        if (view is null) return null;
        if (view.Published) return view;
        // A private page: signed-in users only, never stored in a shared cache.
        if (context.User.Identity?.IsAuthenticated != true) return null;
        context.Response.Headers.CacheControl = "private, no-store";
        return view;
    }

    private static async Task<IResult> Html(string slug, HttpContext context, StatusViewCache cache, PublicAnswerCache answers,
        IOptionsMonitor<StatusPageOptions> options, Subscriptions.SubscriptionService subscriptions)
    {
        (string, string) Render(PublicStatusView view) =>
            (PublicStatusHtml.Render(view, options.CurrentValue.PageRefreshSeconds, subscriptions.EmailEnabled), "text/html; charset=utf-8");
        if (await answers.GetAsync(slug, "html", Render) is { } answer) return answer;
        return await VisibleAsync(slug, context, cache) is { } view ? Results.Content(Render(view).Item1, "text/html; charset=utf-8") : Results.NotFound();
    }

    private static async Task<IResult> Json(string slug, HttpContext context, StatusViewCache cache, PublicAnswerCache answers,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        // With the API's JSON settings, so a kept answer reads as one written per request.
        (string, string) Render(PublicStatusView view) =>
            (System.Text.Json.JsonSerializer.Serialize(StatusFeeds.Json(view), json.Value.SerializerOptions), "application/json; charset=utf-8");
        if (await answers.GetAsync(slug, "json", Render) is { } answer) return answer;
        return await VisibleAsync(slug, context, cache) is { } view ? Results.Json(StatusFeeds.Json(view)) : Results.NotFound();
    }

    private static async Task<IResult> Atom(string slug, HttpContext context, StatusViewCache cache) =>
        await VisibleAsync(slug, context, cache) is { } view
            ? Results.Content(StatusFeeds.Atom(view, $"{context.Request.Scheme}://{context.Request.Host}"), "application/atom+xml; charset=utf-8")
            : Results.NotFound();

    private static async Task<IResult> Badge(string slug, string component, HttpContext context, StatusViewCache cache) =>
        await VisibleAsync(slug, context, cache) is { } view && view.Components.FirstOrDefault(c => c.UrlName == component.ToLowerInvariant()) is { } found
            ? Results.Content(StatusFeeds.Badge(found), "image/svg+xml; charset=utf-8")
            : Results.NotFound();
}
