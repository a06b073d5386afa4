using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.Access;

/// <summary>
/// Sign-in and sign-out are plain form posts (cookies cannot be set over a Blazor circuit); the
/// sign-in page is a static page that posts here. Every attempt lands in the access log.
/// </summary>
public static class AccountEndpoints
{
    public const string SignInRateLimit = "sign-in";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").WithTags("Account");
        // Browser flows (form posts and redirects), described so the document lists every endpoint.
        account.MapPost("/login", SignInAsync).AllowAnonymous().RequireRateLimiting(SignInRateLimit)
            .WithName("SignIn").WithSummary("Sign in with a form post (username, password, returnUrl); redirects back, or to the sign-in page with an error")
            .Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status429TooManyRequests);
        account.MapPost("/logout", SignOutAsync).RequireAuthorization(Policies.CanView)
            .WithName("SignOut").WithSummary("Sign out; redirects to the sign-in page").Produces(StatusCodes.Status302Found);
        account.MapGet("/sso", SingleSignOn).AllowAnonymous().RequireRateLimiting(SignInRateLimit)
            .WithName("SingleSignOn").WithSummary("Start OpenID Connect sign-in (404 when not configured)")
            .Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl,
        SignInManager<IdentityUser> signIn, AuditLog audit, HttpContext context)
    {
        var target = LocalOrHome(returnUrl);
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
        {
            return TypedResults.LocalRedirect(LoginUrl("missing", target));
        }
        var result = await signIn.PasswordSignInAsync(username.Trim(), password, isPersistent: false, lockoutOnFailure: true);
        var address = context.Connection.RemoteIpAddress?.ToString();
        var outcome = result.Succeeded ? "ok" : result.IsLockedOut ? "denied: locked out" : "denied: wrong user name or password";
        await audit.WriteAsync(username.Trim(), address, "sign-in", username.Trim(), outcome);
        if (result.Succeeded) return TypedResults.LocalRedirect(target);
        return TypedResults.LocalRedirect(LoginUrl(result.IsLockedOut ? "locked" : "invalid", target));
    }

    private static async Task<IResult> SignOutAsync(SignInManager<IdentityUser> signIn, AuditLog audit, HttpContext context)
    {
        await audit.WriteAsync(context.User, context.Connection.RemoteIpAddress?.ToString(), "sign-out", AuditLog.NameOf(context.User), "ok");
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/account/login");
    }

    private static IResult SingleSignOn(string? returnUrl, Microsoft.Extensions.Options.IOptions<AccessOptions> options) =>
        options.Value.Oidc.Enabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) }, [AccessFeature.OidcScheme])
            : TypedResults.Problem("Single sign-on is not configured (Access:Oidc:Authority and ClientId).", statusCode: StatusCodes.Status404NotFound);

    public static string LoginUrl(string? error, string returnUrl) =>
        $"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}{(error is null ? "" : "&error=" + error)}";

    /// <summary>Only local paths: an open redirect after sign-in would hand users to anyone.</summary>
    private static string LocalOrHome(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\") ? returnUrl : "/";
}
