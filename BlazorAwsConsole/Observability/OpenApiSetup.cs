using BlazorAwsConsole.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BlazorAwsConsole.Observability;

/// <summary>
/// The REST API described at <c>/openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi, from each
/// endpoint's metadata) and browsable at <c>/scalar</c>. Both need the Viewer role: they describe the
/// console's operations, which is no secret from its users but nothing to publish either.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string Title = "BlazorAwsConsole API";
    private const string ApiKeyScheme = "ApiKey";

    public static WebApplicationBuilder AddApiDescription(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = Title;
                document.Info.Description = "EC2 fleet, jump servers, AWS settings and access of the console. "
                    + "Send an API key (`BlazorAwsConsole apikey create --role Viewer|Operator|Admin`) as `Authorization: Bearer <key>`. "
                    + "Errors are RFC 7807 problem details.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A console API key; its role (Viewer, Operator, Admin) decides what it may call.",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
                return Task.CompletedTask;
            });
            // Sign-in itself needs no key.
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) operation.Security = [];
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().RequireAuthorization(Policies.CanView);
        app.MapScalarApiReference((options, context) =>
        {
            options.WithTitle(Title)
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes(ApiKeyScheme)
                // The console has no internet access to count on, and sends nothing to third parties.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .WithNonce();
            AllowScalarScripts(context);
        }).RequireAuthorization(Policies.CanView);
        return app;
    }

    /// <summary>
    /// The console's CSP (Access/SecurityHeaders) allows scripts from its own origin only; Scalar's page
    /// also has an inline start-up script, which it marks with a fresh nonce per request. Only this
    /// page's policy admits that nonce.
    /// </summary>
    private static void AllowScalarScripts(HttpContext context) => context.Response.OnStarting(() =>
    {
        if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce
            && context.Response.Headers.ContentSecurityPolicy.ToString() is { Length: > 0 } policy)
        {
            context.Response.Headers.ContentSecurityPolicy = policy.Replace("script-src 'self'", $"script-src 'self' 'nonce-{nonce}'");
        }
        return Task.CompletedTask;
    });
}
