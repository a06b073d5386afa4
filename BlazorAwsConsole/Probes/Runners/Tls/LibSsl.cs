using System.Runtime.InteropServices;

namespace BlazorAwsConsole.Probes.Runners.Tls;

/// <summary>
/// The few OpenSSL 3 functions the TLS check's handshake calls (<see cref="NativeTlsHandshake"/>), from the
/// system's libssl.so.3 and libcrypto.so.3 — the libraries .NET's own SslStream uses on Linux, so nothing new
/// is shipped. Source-generated imports; every pointer OpenSSL owns stays a <see cref="nint"/>, every one we
/// own is a <see cref="SafeHandle"/> (<see cref="SslContextHandle"/>, <see cref="SslHandle"/>). C's
/// <c>long</c> and <c>unsigned long</c> are 64-bit on Linux (LP64), hence <see cref="nint"/>/<see cref="nuint"/>.
/// Macros of ssl.h (SSL_set_tlsext_host_name, SSL_CTX_set_session_cache_mode) are spelled out as the
/// ctrl calls they expand to, with their constants below.
/// </summary>
internal static unsafe partial class LibSsl
{
    public const string Ssl = "libssl.so.3";
    public const string Crypto = "libcrypto.so.3";

    public const ulong SSL_OP_NO_TICKET = 1UL << 14;
    public const int SSL_CTRL_SET_SESS_CACHE_MODE = 44;
    public const int SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
    public const int SSL_SESS_CACHE_OFF = 0;
    public const int TLSEXT_NAMETYPE_host_name = 0;
    public const int SSL_VERIFY_NONE = 0;

    public const int SSL_ERROR_SSL = 1;
    public const int SSL_ERROR_WANT_READ = 2;
    public const int SSL_ERROR_WANT_WRITE = 3;
    public const int SSL_ERROR_SYSCALL = 5;
    public const int SSL_ERROR_ZERO_RETURN = 6;

    [LibraryImport(Ssl)] public static partial nint TLS_client_method();
    [LibraryImport(Ssl)] public static partial SslContextHandle SSL_CTX_new(nint method);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_free(nint ctx);
    [LibraryImport(Ssl)] public static partial ulong SSL_CTX_set_options(SslContextHandle ctx, ulong options);
    [LibraryImport(Ssl)] public static partial nint SSL_CTX_ctrl(SslContextHandle ctx, int cmd, nint larg, nint parg);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_set_verify(SslContextHandle ctx, int mode, nint callback);
    /// <summary>Replaces OpenSSL's chain verification (X509_verify_cert) by <paramref name="callback"/>: int (*)(X509_STORE_CTX*, void*).</summary>
    [LibraryImport(Ssl)] public static partial void SSL_CTX_set_cert_verify_callback(SslContextHandle ctx, delegate* unmanaged<nint, nint, int> callback, nint arg);

    [LibraryImport(Ssl)] public static partial SslHandle SSL_new(SslContextHandle ctx);
    [LibraryImport(Ssl)] public static partial void SSL_free(nint ssl);
    [LibraryImport(Ssl)] public static partial void SSL_set_bio(SslHandle ssl, nint readBio, nint writeBio);
    [LibraryImport(Ssl)] public static partial void SSL_set_connect_state(SslHandle ssl);
    [LibraryImport(Ssl)] public static partial nint SSL_ctrl(SslHandle ssl, int cmd, nint larg, byte* parg);
    [LibraryImport(Ssl)] public static partial int SSL_do_handshake(SslHandle ssl);
    [LibraryImport(Ssl)] public static partial int SSL_get_error(SslHandle ssl, int result);
    [LibraryImport(Ssl)] public static partial nint SSL_get_version(SslHandle ssl);
    [LibraryImport(Ssl)] public static partial nint SSL_get_current_cipher(SslHandle ssl);
    [LibraryImport(Ssl)] public static partial nint SSL_CIPHER_standard_name(nint cipher);
    /// <summary>On the client side the stack holds the server's certificate first, then what it sent with it; owned by the SSL.</summary>
    [LibraryImport(Ssl)] public static partial nint SSL_get_peer_cert_chain(SslHandle ssl);

    [LibraryImport(Crypto)] public static partial nint BIO_s_mem();
    [LibraryImport(Crypto)] public static partial nint BIO_new(nint method);
    [LibraryImport(Crypto)] public static partial int BIO_free(nint bio);
    [LibraryImport(Crypto)] public static partial int BIO_read(nint bio, byte* buffer, int length);
    [LibraryImport(Crypto)] public static partial int BIO_write(nint bio, byte* buffer, int length);
    [LibraryImport(Crypto)] public static partial nuint BIO_ctrl_pending(nint bio);

    [LibraryImport(Crypto)] public static partial int OPENSSL_sk_num(nint stack);
    [LibraryImport(Crypto)] public static partial nint OPENSSL_sk_value(nint stack, int index);
    [LibraryImport(Crypto)] public static partial int i2d_X509(nint x509, byte** output);

    [LibraryImport(Crypto)] public static partial void ERR_clear_error();
    [LibraryImport(Crypto)] public static partial nuint ERR_get_error();
    [LibraryImport(Crypto)] public static partial void ERR_error_string_n(nuint error, byte* buffer, nuint length);
}

/// <summary>An SSL_CTX: made once per process (<see cref="NativeTlsHandshake"/>), freed with it.</summary>
internal sealed class SslContextHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_CTX_free(handle);
        return true;
    }
}

/// <summary>One connection's SSL; freeing it frees the BIOs given to it with SSL_set_bio.</summary>
internal sealed class SslHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_free(handle);
        return true;
    }
}
