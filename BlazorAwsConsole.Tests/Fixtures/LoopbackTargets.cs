using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// Real probe targets on 127.0.0.1 free ports: a Kestrel HTTP server and the same endpoints over
/// HTTPS with a self-signed certificate made here (expiring in <see cref="CertificateDays"/> days),
/// and raw TCP listeners — an open port, a banner service ("SSH-2.0-test"), an echo service — plus
/// a closed port. The HTTP target can be stopped and started again on the same ports.
/// <code>
/// await using var targets = await LoopbackTargets.StartAsync();
/// targets.HttpUrl("/status/503"); targets.HttpsUrl("/text?body=hello"); targets.BannerPort
/// </code>
/// HTTP endpoints: /status/{code}, /slow/{ms} (answers after ms), /slow-body/{ms} (headers at once,
/// body after ms), /redirect/{n} (a chain of n 302s ending in 200 "arrived"), /redirect-loop,
/// /redirect-to?url=, /text?body=&amp;repeat=, /bytes/{n}, /echo (method, connection id, headers and
/// body back as text), / ("ok").
/// </summary>
public sealed class LoopbackTargets : IAsyncDisposable
{
    public const string Banner = "SSH-2.0-test";
    public const int CertificateDays = 5;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpListener> _listeners = [];
    private WebApplication? _http;
    private int _requests;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _connections = new();

    private LoopbackTargets(X509Certificate2 certificate) => Certificate = certificate;

    public int HttpPort { get; private set; }
    public int HttpsPort { get; private set; }
    public int OpenPort { get; private set; }
    public int BannerPort { get; private set; }
    public int EchoPort { get; private set; }
    public int ClosedPort { get; private set; }
    public X509Certificate2 Certificate { get; }
    /// <summary>HTTP and HTTPS requests served since the start.</summary>
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>Distinct HTTP and HTTPS connections that carried those requests.</summary>
    public int Connections => _connections.Count;

    public string HttpUrl(string path = "/") => $"http://127.0.0.1:{HttpPort}{path}";
    public string HttpsUrl(string path = "/") => $"https://127.0.0.1:{HttpsPort}{path}";

    public static async Task<LoopbackTargets> StartAsync(int certificateDays = CertificateDays)
    {
        var targets = new LoopbackTargets(SelfSignedCertificate(certificateDays))
        {
            HttpPort = LoopbackPort.Free(),
            HttpsPort = LoopbackPort.Free(),
            ClosedPort = LoopbackPort.Free(),
        };
        targets.OpenPort = targets.Listen(async (client, stream, token) => await DrainAsync(stream, token));
        targets.BannerPort = targets.Listen(async (client, stream, token) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Banner + "\r\n"), token);
            await DrainAsync(stream, token);
        });
        targets.EchoPort = targets.Listen(async (client, stream, token) =>
        {
            var buffer = new byte[4096];
            int read;
            while ((read = await stream.ReadAsync(buffer, token)) > 0) await stream.WriteAsync(buffer.AsMemory(0, read), token);
        });
        await targets.StartHttpAsync();
        return targets;
    }

    /// <summary>Stops the HTTP and HTTPS target: its ports refuse connections until <see cref="StartHttpAsync"/>.</summary>
    public async Task StopHttpAsync()
    {
        if (_http is null) return;
        await _http.StopAsync();
        await _http.DisposeAsync();
        _http = null;
    }

    /// <summary>Starts (again) the HTTP and HTTPS target on the same ports.</summary>
    public async Task StartHttpAsync()
    {
        if (_http is not null) return;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, HttpPort);
            kestrel.Listen(IPAddress.Loopback, HttpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(Certificate);
            });
        });
        var app = builder.Build();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref _requests);
            _connections.TryAdd(context.Connection.Id, true);
            return next(context);
        });
        MapEndpoints(app);
        await app.StartAsync();
        _http = app;
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/", () => "ok");
        // 1xx, 204 and 304 carry no body.
        app.Map("/status/{code:int}", (int code) => code is < 200 or 204 or 304 ? Results.StatusCode(code) : Results.Text($"status {code}", statusCode: code));
        app.MapGet("/slow/{ms:int}", async (int ms, CancellationToken token) =>
        {
            await Task.Delay(ms, token);
            return $"slow {ms}";
        });
        app.MapGet("/slow-body/{ms:int}", async (int ms, HttpResponse response, CancellationToken token) =>
        {
            response.ContentType = "text/plain";
            await response.StartAsync(token);
            await response.Body.FlushAsync(token);
            await Task.Delay(ms, token);
            await response.WriteAsync($"late body after {ms} ms", token);
        });
        app.Map("/redirect/{n:int}", (int n) => n <= 0 ? Results.Text("arrived") : Results.Redirect($"/redirect/{n - 1}"));
        app.Map("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        app.Map("/redirect-to", (string url, int? status) => Results.Redirect(url, permanent: status is 301 or 308, preserveMethod: status is 307 or 308));
        app.MapGet("/text", (string? body, int? repeat) =>
            Results.Text(string.Concat(Enumerable.Repeat(body ?? "", Math.Max(1, repeat ?? 1))), "text/plain; charset=utf-8"));
        app.MapGet("/bytes/{n:int}", (int n) => Results.Bytes(Enumerable.Repeat((byte)'x', n).ToArray(), "application/octet-stream"));
        app.Map("/echo", async (HttpRequest request) =>
        {
            var text = new StringBuilder()
                .Append("method: ").Append(request.Method).Append('\n')
                .Append("connection: ").Append(request.HttpContext.Connection.Id).Append('\n');
            foreach (var (name, value) in request.Headers) text.Append(name).Append(": ").Append(value.ToString()).Append('\n');
            text.Append('\n').Append(await new StreamReader(request.Body).ReadToEndAsync());
            return Results.Text(text.ToString());
        });
    }

    private int Listen(Func<TcpClient, NetworkStream, CancellationToken, Task> serve)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _listeners.Add(listener);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            await serve(client, client.GetStream(), _stop.Token);
                        }
                        catch (Exception) { /* a client that goes away mid-conversation is normal here */ }
                    }
                });
            }
        });
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task DrainAsync(NetworkStream stream, CancellationToken token)
    {
        var buffer = new byte[1024];
        while (await stream.ReadAsync(buffer, token) > 0) { }
    }

    private static X509Certificate2 SelfSignedCertificate(int days)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var made = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(days));
        // Kestrel on Linux wants a certificate whose key it can use for TLS: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var listener in _listeners) listener.Stop();
        await StopHttpAsync();
        Certificate.Dispose();
        _stop.Dispose();
    }
}
