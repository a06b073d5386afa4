using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// Sends one HTTP/1.1 request of a probe on a connection of its own. The handler is made for this one
/// request: its ConnectCallback resolves the name and connects (timing DNS and connect, and applying
/// <see cref="TargetGuard"/> to the address it connects to), does TLS itself (timing the handshake and
/// reading the certificate), and hands the handler a plain stream that notes the first response byte.
/// So an https:// URL goes to the handler as http:// with the Host header set, and no timing can come
/// from another probe's connection, however many run at once.
/// </summary>
internal static class HttpOneRequest
{
    private const string UserAgent = "BlazorAwsConsole-probe/1.0";

    public static async Task<(HttpResponseMessage Response, HttpMessageInvoker Invoker)> SendAsync(
        Uri url, HttpMethod method, ProbeSpec spec, string? body, HttpExchange exchange, CancellationToken cancellationToken)
    {
        var host = url.IdnHost.Trim('[', ']');
        var port = url.Port;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (_, token) =>
            {
                var dialed = await TcpDialer.DialAsync(host, port, spec.LinkLocalAllowList, token);
                exchange.ResolvedAt = dialed.ResolvedAt;
                exchange.ConnectedAt = dialed.ConnectedAt;
                Stream stream = new NetworkStream(dialed.Socket, ownsSocket: true);
                if (exchange.UsesTls)
                {
                    try
                    {
                        stream = await HandshakeAsync(stream, host, spec.VerifyTls, exchange, token);
                    }
                    catch
                    {
                        await stream.DisposeAsync();
                        throw;
                    }
                    exchange.TlsDoneAt = Stopwatch.GetTimestamp();
                }
                return new FirstByteStream(stream, exchange);
            },
        };
        var invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        try
        {
            var plain = new UriBuilder(url) { Scheme = Uri.UriSchemeHttp, Port = port }.Uri;
            using var request = new HttpRequestMessage(method, plain)
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            var hostName = url.HostNameType == UriHostNameType.IPv6 ? $"[{host}]" : url.IdnHost;
            request.Headers.Host = url.IsDefaultPort ? hostName : $"{hostName}:{port}";
            request.Headers.ConnectionClose = true;
            if (body is not null) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            var userAgentGiven = false;
            foreach (var (name, value) in spec.Headers)
            {
                userAgentGiven |= name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase);
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) request.Headers.Host = value;
                else if (request.Headers.TryAddWithoutValidation(name, value)) { }
                else
                {
                    request.Content ??= new ByteArrayContent([]);
                    if (!request.Content.Headers.TryAddWithoutValidation(name, value))
                        throw new HttpProbeException($"header '{name}' cannot be sent");
                }
            }
            if (!userAgentGiven) request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);

            var response = await invoker.SendAsync(request, cancellationToken);
            return (response, invoker);
        }
        catch
        {
            invoker.Dispose();
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
            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
            var selfSigned = chain is { ChainElements.Count: 1 } && statuses.Contains(nameof(X509ChainStatusFlags.UntrustedRoot));
            parts.Add(selfSigned
                ? "the certificate is self-signed (UntrustedRoot)"
                : $"the certificate chain is not trusted ({string.Join(", ", statuses.DefaultIfEmpty("chain errors"))})");
        }
        return $"TLS certificate not trusted: {string.Join("; ", parts)} (turn TLS verification off to accept it)";
    }
}

/// <summary>A probe that cannot be sent as written (a header that cannot be set); the message says why.</summary>
internal sealed class HttpProbeException(string message) : Exception(message);
