using System.Security.Claims;
using System.Threading.RateLimiting;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;

namespace BlazorAwsConsole.Access;

public static class AccessFeature
{
    public const string OidcScheme = "oidc";
    private const string SelectorScheme = "console";

    public static WebApplicationBuilder AddAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var settings = builder.Configuration.GetSection(AccessOptions.Section).Get<AccessOptions>() ?? new();

        services.AddIdentityCore<IdentityUser>(identity =>
            {
                // Length over composition rules (NIST SP 800-63B): 12 characters, 4 of them different.
                identity.Password.RequiredLength = 12;
                identity.Password.RequiredUniqueChars = 4;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequireDigit = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireLowercase = false;
                identity.Lockout.MaxFailedAccessAttempts = settings.MaxFailedSignIns;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(settings.LockoutMinutes);
                identity.Lockout.AllowedForNewUsers = true;
                identity.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@+";
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ConsoleDbContext>()
            .AddSignInManager();

        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultScheme = SelectorScheme;
                options.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            // An API key in the Authorization header wins; otherwise the sign-in cookie.
            .AddPolicyScheme(SelectorScheme, "Cookie or API key", policy => policy.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.TryReadBearer(context.Request, out _) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        authentication.AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.AccessDeniedPath = "/account/denied";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            // The API and the machine-read endpoints (metrics, the OpenAPI document) answer 401/403; only pages are sent to the sign-in page.
            cookie.Events.OnRedirectToLogin = context => ApiOr(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => ApiOr(context, StatusCodes.Status403Forbidden);
        }));
        if (settings.Oidc.Enabled) AddSingleSignOn(authentication, settings.Oidc);

        services.AddAuthorization(Policies.Add);
        // SecurityHeaders sends X-Frame-Options: DENY; antiforgery would add a second, weaker value.
        services.AddAntiforgery(antiforgery => antiforgery.SuppressXFrameOptionsHeader = true);
        services.AddCascadingAuthenticationState();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ApiKeyService>();
        services.AddScoped<UserAdminService>();
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitAddress>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitAddress.Tracker>();
        services.AddHostedService<AccessStartup>();
        services.AddRateLimiter(limits =>
        {
            limits.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limits.AddPolicy(AccountEndpoints.SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.SignInsPerMinute, Window = TimeSpan.FromMinutes(1) }));
            // Every API call counts against its key (or, without one, its address).
            limits.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !context.Request.Path.StartsWithSegments("/api")
                    ? RateLimitPartition.GetNoLimiter("pages")
                    : RateLimitPartition.GetFixedWindowLimiter(
                        ApiKeyAuthenticationHandler.TryReadBearer(context.Request, out var key) ? "key:" + key.GetHashCode() : "ip:" + context.Connection.RemoteIpAddress,
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.ApiRequestsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });
        return builder;
    }

    /// <summary>Security headers, then who is calling, what they may do, how often, and the log of what they changed.</summary>
    public static WebApplication UseAccess(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<AuditApiCalls>();
        return app;
    }

    public static WebApplication MapAccess(this WebApplication app)
    {
        app.MapAccountEndpoints();
        app.MapAccessApi();
        return app;
    }

    private static readonly string[] MachinePaths = ["/api", "/metrics", "/openapi"];

    private static Task ApiOr(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (MachinePaths.Any(path => context.Request.Path.StartsWithSegments(path))) context.Response.StatusCode = status;
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static void AddSingleSignOn(AuthenticationBuilder authentication, AccessOptions.OidcOptions oidc) =>
        authentication.AddOpenIdConnect(OidcScheme, oidc.DisplayName, options =>
        {
            options.Authority = oidc.Authority;
            options.ClientId = oidc.ClientId;
            options.ClientSecret = oidc.ClientSecret;
            options.ResponseType = "code";
            options.SignInScheme = IdentityConstants.ApplicationScheme;
            options.RequireHttpsMetadata = oidc.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            options.Scope.Add("profile");
            options.Events.OnTokenValidated = context =>
            {
                // Only the mapped claim values become console roles; a user with none of them is refused.
                var identity = (ClaimsIdentity)context.Principal!.Identity!;
                foreach (var role in OidcRoles.Map(identity, oidc)) identity.AddClaim(new Claim(ClaimTypes.Role, role));
                return Task.CompletedTask;
            };
        });
}
