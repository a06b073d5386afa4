using System.Text.Json;

namespace BlazorAwsConsole.Observability;

/// <summary>
/// Logs as one JSON object per line on stdout when nobody reads them in a terminal (stdout redirected:
/// a container, systemd, a pipe) or when <c>Logging:Json=true</c>; <c>Logging:Json=false</c> keeps the
/// plain text. Scopes are included, so a line written during a request carries its RequestId,
/// RequestPath, TraceId and SpanId. The built-in Microsoft.Extensions.Logging JSON formatter: no package.
/// </summary>
public static class JsonLogging
{
    public static TBuilder AddJsonLogging<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var json = builder.Configuration.GetValue<bool?>("Logging:Json") ?? Console.IsOutputRedirected;
        if (!json) return builder;
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            options.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
        return builder;
    }
}
