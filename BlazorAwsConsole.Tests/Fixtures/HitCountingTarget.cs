using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A Kestrel HTTP target on a free loopback port that records when each <c>/hit/{name}</c> was requested, so a
/// test can see how often every synthetic test really ran and whether two nodes ran one twice.
/// </summary>
public sealed class HitCountingTarget : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> _hits = new();
    private WebApplication _app = null!;

    public int Port { get; private set; }

    public string Url(string name) => $"http://127.0.0.1:{Port}/hit/{Uri.EscapeDataString(name)}";

    /// <summary>When each request for <paramref name="name"/> came, in order.</summary>
    public IReadOnlyList<DateTimeOffset> HitsOf(string name) => _hits.TryGetValue(name, out var hits) ? [.. hits] : [];

    public static async Task<HitCountingTarget> StartAsync()
    {
        var target = new HitCountingTarget { Port = MotoFixture.FreePort() };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{target.Port}");
        target._app = builder.Build();
        target._app.MapGet("/hit/{name}", (string name) =>
        {
            target._hits.GetOrAdd(name, _ => new()).Enqueue(DateTimeOffset.UtcNow);
            return Results.Text("ok");
        });
        await target._app.StartAsync();
        return target;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
