namespace BlazorAwsConsole.Access;

/// <summary>Writes every API call that can change something (anything but GET/HEAD/OPTIONS) to the access log, with its status.</summary>
public sealed class AuditApiCalls(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AuditLog audit)
    {
        await next(context);
        var method = context.Request.Method;
        if (!context.Request.Path.StartsWithSegments("/api") || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return;
        }
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        await audit.WriteAsync(context.User, context.Connection.RemoteIpAddress?.ToString(),
            $"api {method} {route}", context.Request.Path.Value ?? "", context.Response.StatusCode.ToString());
    }
}
