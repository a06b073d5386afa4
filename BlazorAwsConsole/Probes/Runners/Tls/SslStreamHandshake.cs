using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Probes.Runners.Tls;

/// <summary>
/// The TLS check's handshake through .NET's SslStream: used where libssl.so.3 cannot be loaded (Windows,
/// macOS, a Linux without OpenSSL 3), so the runner behaves the same there, at SslStream's cost
/// (<see cref="NativeTlsHandshake"/> says why Linux does without it).
/// </summary>
internal sealed class SslStreamHandshake : ITlsHandshake
{
    public async Task<ServedTls> HandshakeAsync(Socket socket, string serverName, CancellationToken cancellationToken)
    {
        List<byte[]> chain = [];
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            // Every run is a full handshake, as blackbox_exporter's: a resumed session (.NET keeps them per
            // server name; a TLS 1.2 server hands one out in the handshake) skips the server's certificate,
            // and the run would report the one remembered from an earlier run instead of the one served now.
            AllowTlsResume = false,
            // The handshake trusts no root and fetches nothing (its verdict is not used; ChainVerdicts says why).
            CertificateChainPolicy = ChainVerdicts.HandshakePolicy(),
            // Judged after the handshake (ServedChainJudge), so an untrusted certificate is still read and reported.
            RemoteCertificateValidationCallback = (_, certificate, sent, _) =>
            {
                if (certificate is null) return true;
                var leaf = certificate.GetRawCertData();
                chain = [leaf];
                foreach (var other in sent?.ChainPolicy.ExtraStore ?? [])
                {
                    if (!other.RawDataMemory.Span.SequenceEqual(leaf)) chain.Add(other.RawData);
                }
                return true;
            },
        }, cancellationToken);
        return new ServedTls(TlsCheck.VersionName(ssl.SslProtocol), ssl.NegotiatedCipherSuite.ToString(), chain);
    }
}
