using System.Net.Sockets;

namespace BlazorAwsConsole.Probes.Runners.Tls;

/// <summary>What a finished handshake showed: the version and cipher as OpenSSL and IANA name them, and the certificates the server sent, leaf first, as DER.</summary>
internal sealed record ServedTls(string TlsVersion, string CipherSuite, IReadOnlyList<byte[]> Chain);

/// <summary>
/// A full TLS handshake (never a resumed session) as a client over an already connected socket, sending
/// <c>serverName</c> as SNI when it is a DNS name, accepting any certificate (the TLS check judges it
/// afterwards). Failures are an <see cref="System.Security.Authentication.AuthenticationException"/>, an
/// <see cref="IOException"/> or a <see cref="SocketException"/> with the reason; cancellation ends it.
/// </summary>
internal interface ITlsHandshake
{
    Task<ServedTls> HandshakeAsync(Socket socket, string serverName, CancellationToken cancellationToken);
}
