using BlazorAwsConsole.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.StatusPages.Subscriptions;

/// <summary>
/// The public subscription forms and links under /status/{slug} (anonymous, their own stricter rate limit, never cached),
/// their JSON twin, and the Operators' list of a page's subscribers.
/// </summary>
public static class SubscriptionEndpoints
{
    public const string RateLimitPolicy = "status-subscribe";
    private const string Accepted = "If the address can receive mail, a confirmation link is on its way. Nothing else is sent until it is followed.";
    private const string WebhookAccepted = "The webhook is subscribed: each incident update is posted to it, with its unsubscribe link.";

    public static IEndpointRouteBuilder MapStatusSubscriptions(this IEndpointRouteBuilder app)
    {
        // Forms posted from a cached, shared page cannot carry a per-visitor antiforgery token. A forged subscribe only
        // causes a confirmation mail (double opt-in); a forged confirm or unsubscribe needs the token from the mail.
        var forms = app.MapGroup("/status/{slug}").AllowAnonymous().RequireRateLimiting(RateLimitPolicy).DisableAntiforgery().ExcludeFromDescription();
        forms.MapPost("/subscribe", SubscribeEmail);
        forms.MapPost("/subscribe/webhook", SubscribeWebhook);
        forms.MapGet("/subscriptions/confirm", (string slug, string? token) => TokenPage(slug, "Confirm your subscription",
            "Press the button to start receiving this page's incident notices.", "confirm", token, "Confirm"));
        forms.MapPost("/subscriptions/confirm", Confirm);
        forms.MapGet("/subscriptions/unsubscribe", (string slug, string? token) => TokenPage(slug, "Unsubscribe",
            "Press the button to stop receiving this page's incident notices.", "unsubscribe", token, "Unsubscribe"));
        forms.MapPost("/subscriptions/unsubscribe", Unsubscribe);
        forms.MapPost("/api/subscriptions", SubscribeJson);

        var operators = app.MapGroup("/api/status-pages/{id:int}/subscribers").WithTags("Status pages").RequireAuthorization(Policies.CanOperate);
        operators.MapGet("/", List).WithName("ListStatusPageSubscribers").WithSummary("The page's subscribers (addresses are personal data: Operators only) and their count");
        operators.MapDelete("/{subscriptionId:long}", Remove).WithName("RemoveStatusPageSubscriber").WithSummary("Remove a subscriber (its pending messages go with it)");
        return app;
    }

    private static async Task<IResult> SubscribeEmail(string slug, [FromForm] string? email, SubscriptionService subscriptions, CancellationToken cancellationToken)
    {
        var result = await subscriptions.SubscribeEmailAsync(slug, email, cancellationToken);
        return Answer(slug, result, subscriptions, Accepted, email: email);
    }

    private static async Task<IResult> SubscribeWebhook(string slug, [FromForm] string? url, SubscriptionService subscriptions, CancellationToken cancellationToken)
    {
        var result = await subscriptions.SubscribeWebhookAsync(slug, url, cancellationToken);
        return Answer(slug, result, subscriptions, WebhookAccepted, url: url);
    }

    /// <summary>{"email": …} or {"url": …}: 202 with the same sentence either way, or 400 naming the field.</summary>
    public sealed record SubscribeInput(string? Email, string? Url);

    private static async Task<Results<Accepted<object>, ValidationProblem, NotFound>> SubscribeJson(string slug, SubscribeInput? input,
        SubscriptionService subscriptions, CancellationToken cancellationToken)
    {
        if (input is null || (input.Email is null) == (input.Url is null))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["Give either email or url."] });
        var result = input.Email is not null
            ? await subscriptions.SubscribeEmailAsync(slug, input.Email, cancellationToken)
            : await subscriptions.SubscribeWebhookAsync(slug, input.Url, cancellationToken);
        if (!result.PageFound) return TypedResults.NotFound();
        if (result.Errors.Count > 0) return TypedResults.ValidationProblem(result.Errors);
        return TypedResults.Accepted((string?)null, (object)new { message = input.Email is not null ? Accepted : WebhookAccepted });
    }

    private static IResult Answer(string slug, SubscribeResult result, SubscriptionService subscriptions, string accepted, string? email = null, string? url = null)
    {
        if (!result.PageFound) return Results.NotFound();
        if (result.Accepted) return Html(SubscriptionHtml.Page(slug, "Subscription", accepted));
        // Refused: the form again, its value kept and the message on the field.
        return Html(SubscriptionHtml.Page(slug, "Subscription not saved", "Please correct the field below.",
            html => SubscriptionHtml.Forms(html, slug, subscriptions.EmailEnabled, result.Errors, email, url)), StatusCodes.Status400BadRequest);
    }

    private static IResult TokenPage(string slug, string heading, string text, string action, string? token, string button) =>
        SubscriptionTokens.LooksLikeToken(token)
            ? Html(SubscriptionHtml.Page(slug, heading, text, SubscriptionHtml.TokenForm($"/status/{slug}/subscriptions/{action}", token!, button)))
            : Html(SubscriptionHtml.Page(slug, heading, "This link is not complete: open it from the mail again."), StatusCodes.Status400BadRequest);

    private static async Task<IResult> Confirm(string slug, HttpContext context, SubscriptionService subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.ConfirmAsync(await TokenAsync(context), cancellationToken) is { } title
            ? Html(SubscriptionHtml.Page(slug, "Subscription confirmed", $"You will receive the incident notices of {title}. Every mail has an unsubscribe link."))
            : Html(SubscriptionHtml.Page(slug, "Link expired", "This confirmation link is unknown, used or expired. Subscribe again on the status page."), StatusCodes.Status404NotFound);

    /// <summary>From the form's button, or a mail client's one-click unsubscribe (RFC 8058: the token in the URL, the body says One-Click).</summary>
    private static async Task<IResult> Unsubscribe(string slug, HttpContext context, SubscriptionService subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.UnsubscribeAsync(await TokenAsync(context), cancellationToken) is { } title
            ? Html(SubscriptionHtml.Page(slug, "Unsubscribed", $"You will receive no more incident notices of {title}."))
            : Html(SubscriptionHtml.Page(slug, "Unsubscribed", "This link is unknown or was used already: nothing is sent to it."), StatusCodes.Status404NotFound);

    private static async Task<string?> TokenAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType && (await context.Request.ReadFormAsync(context.RequestAborted))["token"] is { Count: > 0 } field) return field[0];
        return context.Request.Query["token"].FirstOrDefault();
    }

    private static async Task<Results<Ok<SubscriberList>, NotFound<ProblemDetails>>> List(int id, SubscriptionService subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.SubscribersAsync(id, cancellationToken) is { } items
            ? TypedResults.Ok(new SubscriberList(items.Count, items.Count(s => s.Confirmed), items))
            : TypedResults.NotFound(new ProblemDetails { Title = "Status page not found", Detail = $"No status page {id}.", Status = 404 });

    public sealed record SubscriberList(int Count, int Confirmed, List<SubscriberDto> Items);

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> Remove(int id, long subscriptionId, SubscriptionService subscriptions, HttpContext context,
        CancellationToken cancellationToken) =>
        await subscriptions.RemoveAsync(id, subscriptionId, Caller.From(context), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(new ProblemDetails { Title = "Subscriber not found", Detail = $"Page {id} has no subscriber {subscriptionId}.", Status = 404 });

    private static IResult Html(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", null, status);
}
