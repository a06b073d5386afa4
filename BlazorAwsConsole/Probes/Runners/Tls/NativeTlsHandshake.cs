using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Authentication;

namespace BlazorAwsConsole.Probes.Runners.Tls;

/// <summary>
/// The TLS check's handshake done by the system's libssl directly (<see cref="LibSsl"/>), the I/O staying
/// in .NET: OpenSSL reads from and writes to two memory BIOs, and this loop carries their bytes over the
/// socket the runner dialed (so the link-local guard and the run's timeout apply as before).
/// <para>
/// Why not SslStream: it makes a new SSL_CTX for every handshake that may not resume a session, and on
/// OpenSSL 3.0 making one costs most of a millisecond of CPU in provider and decoder look-ups — more than
/// the handshake itself (Benchmarks/README.md, "The TLS check's cost"). Here ONE context serves every run
/// of the process; it is never changed after it is made, which OpenSSL allows to share between threads
/// (each run has its own SSL). It never resumes: no session cache (SSL_SESS_CACHE_OFF), no tickets
/// (SSL_OP_NO_TICKET), and no session is ever set on an SSL — so every run is a full handshake and sees the
/// certificate served now. It verifies nothing (SSL_VERIFY_NONE; the context's trust store is empty): the
/// TLS check judges what was sent afterwards (<see cref="ServedChainJudge"/>). The protocol versions and
/// ciphers are the system's defaults (openssl.cnf), as SslStream's were.
/// </para>
/// </summary>
internal sealed class NativeTlsHandshake : ITlsHandshake
{
    /// <summary>A TLS record's largest ciphertext (16 KiB + overhead) fits: one receive feeds one read.</summary>
    private const int BufferSize = 17 * 1024;

    private static readonly Lazy<SslContextHandle> Context = new(NewContext);

    /// <summary>Whether libssl.so.3 can be used here (Linux with OpenSSL 3); otherwise the runner uses SslStream.</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && CanLoad();

    public async Task<ServedTls> HandshakeAsync(Socket socket, string serverName, CancellationToken cancellationToken)
    {
        using var ssl = NewSsl(serverName, out var readBio, out var writeBio);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var (done, error) = Step(ssl);
                // Whatever the step produced (a ClientHello, a Finished, an alert) goes out before anything else.
                await SendPendingAsync(socket, writeBio, buffer, cancellationToken);
                if (done) return Served(ssl);
                if (error is not null) throw error;
                var received = await socket.ReceiveAsync(buffer.AsMemory(0, BufferSize), SocketFlags.None, cancellationToken);
                if (received == 0) throw new AuthenticationException("the server closed the connection during the handshake");
                Feed(readBio, buffer, received);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One SSL_do_handshake: done, wants more bytes from the server (neither), or failed (the reason).</summary>
    private static (bool Done, AuthenticationException? Error) Step(SslHandle ssl)
    {
        LibSsl.ERR_clear_error();
        var result = LibSsl.SSL_do_handshake(ssl);
        if (result == 1) return (true, null);
        var code = LibSsl.SSL_get_error(ssl, result);
        return code switch
        {
            LibSsl.SSL_ERROR_WANT_READ or LibSsl.SSL_ERROR_WANT_WRITE => (false, null),
            LibSsl.SSL_ERROR_ZERO_RETURN => (false, OpenSslErrors.Take("the server closed the connection during the handshake")),
            _ => (false, OpenSslErrors.Take($"the handshake failed (OpenSSL error code {code})")),
        };
    }

    private static async Task SendPendingAsync(Socket socket, nint writeBio, byte[] buffer, CancellationToken cancellationToken)
    {
        while (LibSsl.BIO_ctrl_pending(writeBio) > 0)
        {
            var length = Drain(writeBio, buffer);
            if (length <= 0) return;
            for (var sent = 0; sent < length;)
                sent += await socket.SendAsync(buffer.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken);
        }
    }

    private static unsafe int Drain(nint writeBio, byte[] buffer)
    {
        fixed (byte* bytes = buffer) return LibSsl.BIO_read(writeBio, bytes, BufferSize);
    }

    private static unsafe void Feed(nint readBio, byte[] buffer, int length)
    {
        int written;
        fixed (byte* bytes = buffer) written = LibSsl.BIO_write(readBio, bytes, length);
        // A memory BIO grows as needed: only an allocation failure writes less.
        if (written != length) throw OpenSslErrors.Take("OpenSSL could not take the server's bytes");
    }

    private static ServedTls Served(SslHandle ssl)
    {
        var version = Marshal.PtrToStringUTF8(LibSsl.SSL_get_version(ssl)) ?? "unknown";
        var cipher = LibSsl.SSL_get_current_cipher(ssl);
        var cipherName = cipher == 0 ? "unknown" : Marshal.PtrToStringUTF8(LibSsl.SSL_CIPHER_standard_name(cipher)) ?? "unknown";
        return new ServedTls(version, cipherName, PeerChain(ssl));
    }

    /// <summary>The certificates the server sent, leaf first, as DER.</summary>
    private static unsafe List<byte[]> PeerChain(SslHandle ssl)
    {
        var stack = LibSsl.SSL_get_peer_cert_chain(ssl);
        var chain = new List<byte[]>();
        if (stack == 0) return chain;
        var count = LibSsl.OPENSSL_sk_num(stack);
        for (var i = 0; i < count; i++)
        {
            var x509 = LibSsl.OPENSSL_sk_value(stack, i);
            var length = LibSsl.i2d_X509(x509, null);
            if (length <= 0) throw OpenSslErrors.Take("the server's certificate could not be encoded");
            var der = new byte[length];
            fixed (byte* start = der)
            {
                var cursor = start; // i2d_X509 moves it past what it wrote
                LibSsl.i2d_X509(x509, &cursor);
            }
            chain.Add(der);
        }
        return chain;
    }

    private static SslHandle NewSsl(string serverName, out nint readBio, out nint writeBio)
    {
        LibSsl.ERR_clear_error();
        var ssl = LibSsl.SSL_new(Context.Value);
        if (ssl.IsInvalid)
        {
            ssl.Dispose();
            throw OpenSslErrors.Take("OpenSSL could not make a connection (SSL_new)");
        }
        try
        {
            readBio = LibSsl.BIO_new(LibSsl.BIO_s_mem());
            writeBio = LibSsl.BIO_new(LibSsl.BIO_s_mem());
            if (readBio == 0 || writeBio == 0)
            {
                if (readBio != 0) LibSsl.BIO_free(readBio);
                if (writeBio != 0) LibSsl.BIO_free(writeBio);
                throw OpenSslErrors.Take("OpenSSL could not make a memory BIO");
            }
            LibSsl.SSL_set_bio(ssl, readBio, writeBio); // the SSL owns both from here
            LibSsl.SSL_set_connect_state(ssl);
            if (ServerNameIndication.HostName(serverName) is { } sni) SetHostName(ssl, sni);
            return ssl;
        }
        catch
        {
            ssl.Dispose();
            throw;
        }
    }

    private static unsafe void SetHostName(SslHandle ssl, string asciiName)
    {
        var bytes = new byte[asciiName.Length + 1]; // NUL-terminated
        System.Text.Encoding.ASCII.GetBytes(asciiName, bytes);
        fixed (byte* name = bytes)
        {
            if (LibSsl.SSL_ctrl(ssl, LibSsl.SSL_CTRL_SET_TLSEXT_HOSTNAME, LibSsl.TLSEXT_NAMETYPE_host_name, name) != 1)
                throw OpenSslErrors.Take($"OpenSSL refused the server name {asciiName}");
        }
    }

    private static SslContextHandle NewContext()
    {
        LibSsl.ERR_clear_error();
        var context = LibSsl.SSL_CTX_new(LibSsl.TLS_client_method());
        if (context.IsInvalid)
        {
            context.Dispose();
            throw OpenSslErrors.Take("OpenSSL could not make a TLS context (SSL_CTX_new)");
        }
        LibSsl.SSL_CTX_set_options(context, LibSsl.SSL_OP_NO_TICKET);
        LibSsl.SSL_CTX_ctrl(context, LibSsl.SSL_CTRL_SET_SESS_CACHE_MODE, LibSsl.SSL_SESS_CACHE_OFF, 0);
        LibSsl.SSL_CTX_set_verify(context, LibSsl.SSL_VERIFY_NONE, 0);
        // Even with SSL_VERIFY_NONE OpenSSL builds and checks the chain (against the context's empty store) and
        // then ignores the result; this callback skips that work. The chain is judged after the handshake.
        unsafe { LibSsl.SSL_CTX_set_cert_verify_callback(context, &AcceptWithoutVerifying, 0); }
        return context;
    }

    [UnmanagedCallersOnly]
    private static int AcceptWithoutVerifying(nint storeContext, nint arg) => 1;

    private static bool CanLoad()
    {
        if (!NativeLibrary.TryLoad(LibSsl.Ssl, out var ssl)) return false;
        NativeLibrary.Free(ssl);
        if (!NativeLibrary.TryLoad(LibSsl.Crypto, out var crypto)) return false;
        NativeLibrary.Free(crypto);
        return true;
    }
}
