using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A real TLS endpoint: <c>openssl s_server</c> on 127.0.0.1, a free port, serving a certificate the
/// test made (with its CA as the chain, when given), optionally limited to one TLS version, and
/// optionally a second certificate for one SNI name (<c>-servername</c>/<c>-cert2</c>), and optionally
/// logging every TLS message it sends and receives (<c>-msg</c>, read with <see cref="Messages"/>).
/// </summary>
public sealed class OpensslServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private OpensslServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    private const string MessageFileName = "messages.txt";

    private string MessageFile => Path.Combine(_directory, MessageFileName);

    /// <summary>
    /// The TLS messages logged so far (with <c>logMessages</c>), one per line as openssl prints them:
    /// "&lt;&lt;&lt; TLS 1.2, Handshake [length 00c5], ClientHello" received, "&gt;&gt;&gt; …, Certificate" sent.
    /// </summary>
    public async Task<IReadOnlyList<string>> Messages()
    {
        if (!File.Exists(MessageFile)) return [];
        await using var file = new FileStream(MessageFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <param name="tlsVersion">e.g. "-tls1_2" to speak only TLS 1.2; null for the defaults.</param>
    /// <param name="port">A port to listen on (e.g. a stopped server's, to serve another certificate there); a free one when null.</param>
    public static async Task<OpensslServer> StartAsync(X509Certificate2 certificate, X509Certificate2? chain = null, string? tlsVersion = null,
        (string Name, X509Certificate2 Certificate)? sniCertificate = null, bool logMessages = false, int? port = null)
    {
        var directory = Directory.CreateTempSubdirectory("bac-tls-").FullName;
        var (cert, key) = TestCertificates.WritePem(certificate, directory, "server");
        port ??= MotoFixture.FreePort();
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "s_server", "-accept", $"127.0.0.1:{port}", "-cert", cert, "-key", key, "-www", "-quiet" }) start.ArgumentList.Add(argument);
        if (chain is not null)
        {
            var chainFile = Path.Combine(directory, "chain.crt");
            await File.WriteAllTextAsync(chainFile, chain.ExportCertificatePem());
            start.ArgumentList.Add("-cert_chain");
            start.ArgumentList.Add(chainFile);
        }
        if (tlsVersion is not null) start.ArgumentList.Add(tlsVersion);
        if (logMessages)
        {
            foreach (var argument in new[] { "-msg", "-msgfile", Path.Combine(directory, MessageFileName) }) start.ArgumentList.Add(argument);
        }
        if (sniCertificate is { } sni)
        {
            var (cert2, key2) = TestCertificates.WritePem(sni.Certificate, directory, "sni");
            foreach (var argument in new[] { "-servername", sni.Name, "-cert2", cert2, "-key2", key2 }) start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new OpensslServer(process, port.Value, directory);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port.Value);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"openssl s_server did not listen on {port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
