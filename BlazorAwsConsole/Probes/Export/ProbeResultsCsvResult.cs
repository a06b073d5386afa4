using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace BlazorAwsConsole.Probes.Export;

/// <summary>The response of <c>GET /api/synthetic/results?format=csv</c>: a streamed attachment.</summary>
public sealed class ProbeResultsCsvResult(ProbeResultFilter filter, string fileName) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, Inline = false }.ToString();
        response.Headers.CacheControl = "no-store";
        // Started before the first row so the download begins at once; rows follow as they are read.
        await response.StartAsync(context.RequestAborted);
        await context.RequestServices.GetRequiredService<ProbeResultsCsv>().WriteAsync(response.Body, filter, context.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/csv"]));
}
