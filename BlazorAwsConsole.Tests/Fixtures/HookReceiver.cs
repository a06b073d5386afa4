using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// An HTTP receiver on a loopback port (real Kestrel) that records every request it gets, headers and
/// exact body bytes, and answers with the status <see cref="Respond"/> picks (200 unless told).
/// Stands in for a webhook endpoint or a Slack incoming webhook.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    public sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);

        /// <summary>When the request arrived (to see that a sender waited as a Retry-After asked).</summary>
        public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
    }

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _requests = new();

    private HookReceiver(WebApplication app) => _app = app;

    public string Address => _app.Urls.First();
    public IReadOnlyList<Received> Requests => _requests.ToList();

    /// <summary>The status for the n-th request (1-based); 200 by default.</summary>
    public Func<int, int> Respond { get; set; } = _ => 200;

    /// <summary>Extra response headers for the n-th request (1-based), e.g. Retry-After; none by default.</summary>
    public Func<int, IReadOnlyDictionary<string, string>?> ResponseHeaders { get; set; } = _ => null;

    public static async Task<HookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        HookReceiver? receiver = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver!._requests.Enqueue(new Received(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray()));
            var status = receiver.Respond(receiver._requests.Count);
            context.Response.StatusCode = status;
            foreach (var (name, value) in receiver.ResponseHeaders(receiver._requests.Count) ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            await context.Response.WriteAsync(status < 300 ? "ok" : "receiver is broken");
        });
        await app.StartAsync();
        receiver = new HookReceiver(app);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
