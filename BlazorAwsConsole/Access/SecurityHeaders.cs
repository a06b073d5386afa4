using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Access;

/// <summary>
/// Headers a console that can terminate servers should send. The CSP allows what Blazor Server and
/// MudBlazor need: scripts from this origin only, inline styles (MudBlazor sets style attributes),
/// and the circuit's WebSocket back to this origin.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, IOptions<AccessOptions> options)
{
    private readonly string _policy = string.Join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
        "form-action 'self'" + (options.Value.Oidc.Enabled ? " " + options.Value.Oidc.Authority : ""));

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = _policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}
