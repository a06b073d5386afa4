using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// Sends one HTTP/1.1 request of a probe on a connection of its own, as curl does: resolves and
/// connects (<see cref="TcpDialer"/>, timing DNS and connect and applying <see cref="TargetGuard"/>
/// to the address connected to), does TLS for https:// (timing the handshake and reading the
/// certificate), writes the request with <c>Connection: close</c> and reads the response head,
/// noting the first response byte. Written on the socket directly rather than through HttpClient:
/// a handler, its pool and the request and header objects made for every probe cost more CPU than
/// the rest of the probe, and the phase timings are then those of this connection by construction.
/// </summary>
internal static class HttpOneRequest
{
    public static async Task<HttpAnswer> SendAsync(Uri url, string method, ProbeSpec spec, string? body, HttpExchange exchange, CancellationToken token)
    {
        var request = HttpRequestText.Build(url, method, spec.Headers, body);
        var host = url.IdnHost.Trim('[', ']');
        var dialed = await TcpDialer.DialAsync(host, url.Port, spec.LinkLocalAllowList, token);
        exchange.ResolvedAt = dialed.ResolvedAt;
        exchange.ConnectedAt = dialed.ConnectedAt;
        Stream stream = new NetworkStream(dialed.Socket, ownsSocket: true);
        HttpResponseReader? reader = null;
        try
        {
            if (exchange.UsesTls)
            {
                stream = await HandshakeAsync(stream, host, spec.VerifyTls, exchange, token);
                exchange.TlsDoneAt = Stopwatch.GetTimestamp();
            }
            await stream.WriteAsync(request, token);
            reader = new HttpResponseReader(stream, exchange);
            var head = await reader.ReadHeadAsync(token);
            return new HttpAnswer(stream, reader, head);
        }
        catch
        {
            reader?.Dispose();
            await stream.DisposeAsync();
            throw;
        }
    }

    private static async Task<Stream> HandshakeAsync(Stream stream, string host, bool verify, HttpExchange exchange, CancellationToken token)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            // An IP literal is checked against the certificate's IP addresses (no SNI is sent for it).
            TargetHost = host,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            // The machine's roots; nothing the certificate names is fetched (ChainVerdicts says why).
            CertificateChainPolicy = ChainVerdicts.NoDownloads(),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is not null)
                {
                    var notAfter = certificate is X509Certificate2 c2 ? c2.NotAfter : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).NotAfter;
                    exchange.CertificateExpiresAt = new DateTimeOffset(notAfter.ToUniversalTime(), TimeSpan.Zero);
                }
                exchange.TlsErrors = errors;
                if (errors == SslPolicyErrors.None || !verify) return true;
                exchange.TlsRefusal = DescribeRefusal(errors, chain);
                return false;
            },
        }, token);
        return ssl;
    }

    private static string DescribeRefusal(SslPolicyErrors errors, X509Chain? chain)
    {
        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) parts.Add("the server sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) parts.Add("the certificate is for another name");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain?.ChainStatus ?? [];
            var selfSigned = chain is { ChainElements.Count: 1 } && statuses.Any(s => s.Status == X509ChainStatusFlags.UntrustedRoot);
            if (selfSigned)
            {
                parts.Add("the certificate is self-signed (UntrustedRoot)");
            }
            else
            {
                var reasons = ChainVerdicts.Reasons(statuses, s => s.Status.ToString());
                if (reasons.Remove(ChainVerdicts.Incomplete)) parts.Add(ChainVerdicts.Incomplete);
                else if (reasons.Count == 0) reasons.Add("chain errors");
                if (reasons.Count > 0) parts.Add($"the certificate chain is not trusted ({string.Join(", ", reasons)})");
            }
        }
        return $"TLS certificate not trusted: {string.Join("; ", parts)} (turn TLS verification off to accept it)";
    }
}

/// <summary>A probe that cannot be sent as written (a header that cannot be set); the message says why.</summary>
internal sealed class HttpProbeException(string message) : Exception(message);

/// <summary>A response whose head has been read; its body is still on the connection. Disposing closes the connection.</summary>
internal sealed class HttpAnswer(Stream connection, HttpResponseReader reader, HttpResponseHead head) : IAsyncDisposable
{
    public HttpResponseHead Head => head;

    public Task<long> ReadBodyAsync(bool headRequest, Action<ReadOnlySpan<byte>>? keep, CancellationToken token) =>
        reader.ReadBodyAsync(head, headRequest, keep, token);

    public async ValueTask DisposeAsync()
    {
        reader.Dispose();
        await connection.DisposeAsync();
    }
}
