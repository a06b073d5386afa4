using System.Net;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// An EC2 endpoint on loopback that answers every request with the next of some captured XML answers
/// (files under Fleet/Captured), and keeps the requests' bodies, so the real SDK parses AWS's exact shapes.
/// </summary>
public sealed class CannedEc2 : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<string> _answers;
    private readonly Task _serving;

    private CannedEc2(int port, IEnumerable<string> answers)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _answers = new Queue<string>(answers);
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }
    public List<string> Requests { get; } = [];

    public static Task<CannedEc2> StartAsync(params string[] files) => Task.FromResult(new CannedEc2(MotoFixture.FreePort(),
        files.Select(f => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fleet", "Captured", f)))));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(context.Request.InputStream);
            var request = Uri.UnescapeDataString(await reader.ReadToEndAsync());
            lock (Requests) Requests.Add(request);
            var body = System.Text.Encoding.UTF8.GetBytes(_answers.Count > 0 ? _answers.Dequeue() : "<Response><Errors><Error><Code>NoMore</Code><Message>no more canned answers</Message></Error></Errors></Response>");
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/xml;charset=UTF-8";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
