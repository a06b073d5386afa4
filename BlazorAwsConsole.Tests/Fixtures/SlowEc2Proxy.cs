using System.Net;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A loopback EC2 endpoint in front of moto that passes requests through, except those <see cref="Hangs"/>
/// picks: those get no answer until the caller gives up (as a slow endpoint behaves to a page that is
/// too big for it). Deterministic, where a slow moto would make a test depend on the machine's load.
/// Keeps each request's body (URL-decoded), in arrival order.
/// </summary>
public sealed class SlowEc2Proxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _moto;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;

    public SlowEc2Proxy(string motoEndpoint)
    {
        Endpoint = $"http://127.0.0.1:{MotoFixture.FreePort()}";
        _moto = new HttpClient { BaseAddress = new Uri(motoEndpoint), Timeout = TimeSpan.FromMinutes(2) };
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    /// <summary>Which requests (by their decoded body, e.g. "Action=DescribeInstances&amp;MaxResults=1000") get no answer.</summary>
    public Func<string, bool> Hangs { get; set; } = _ => false;

    private readonly List<string> _requests = [];
    private readonly List<Held> _held = [];

    /// <summary>
    /// An endpoint that chokes on concurrent reads: each DescribeInstances is held this long before it is
    /// passed on, and one that met another DescribeInstances while held is never answered. Null: off.
    /// </summary>
    public TimeSpan? ChokesOnConcurrentListings { get; set; }

    private sealed class Held
    {
        public bool MetAnother;
    }

    public IReadOnlyList<string> Requests { get { lock (_requests) return _requests.ToList(); } }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var decoded = Uri.UnescapeDataString(body.Replace('+', ' '));
            lock (_requests) _requests.Add(decoded);
            if (ChokesOnConcurrentListings is { } hold && decoded.Contains("Action=DescribeInstances&"))
            {
                var held = new Held();
                lock (_held)
                {
                    foreach (var other in _held) other.MetAnother = held.MetAnother = true;
                    _held.Add(held);
                }
                await Task.Delay(hold, _stopping.Token);
                lock (_held) _held.Remove(held);
                if (held.MetAnother)
                {
                    await Task.Delay(TimeSpan.FromSeconds(60), _stopping.Token);
                    context.Response.Abort();
                    return;
                }
            }
            if (Hangs(decoded))
            {
                // Longer than any page deadline a test sets; the caller's cancellation closes the connection.
                await Task.Delay(TimeSpan.FromSeconds(60), _stopping.Token);
                context.Response.Abort();
                return;
            }
            using var forward = new HttpRequestMessage(HttpMethod.Post, context.Request.RawUrl)
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            foreach (var name in new[] { "Authorization", "X-Amz-Date" })
            {
                if (context.Request.Headers[name] is { } value) forward.Headers.TryAddWithoutValidation(name, value);
            }
            using var answer = await _moto.SendAsync(forward, _stopping.Token);
            var bytes = await answer.Content.ReadAsByteArrayAsync(_stopping.Token);
            context.Response.StatusCode = (int)answer.StatusCode;
            context.Response.ContentType = answer.Content.Headers.ContentType?.ToString() ?? "text/xml";
            await context.Response.OutputStream.WriteAsync(bytes, _stopping.Token);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The caller gave up (its page deadline) or the proxy is stopping.
            try { context.Response.Abort(); } catch (Exception) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _listener.Close();
        await _serving;
        _moto.Dispose();
        _stopping.Dispose();
    }
}
