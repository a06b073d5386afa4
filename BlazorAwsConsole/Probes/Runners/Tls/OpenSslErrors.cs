using System.Security.Authentication;
using System.Text;

namespace BlazorAwsConsole.Probes.Runners.Tls;

/// <summary>
/// OpenSSL's error queue in words. The queue is per thread, so it is cleared right before a call and read
/// right after it, with no await between (a continuation may run on another thread).
/// </summary>
internal static unsafe class OpenSslErrors
{
    /// <summary>
    /// The first error queued by the last call, as OpenSSL words it ("error:0A00010B:SSL routines::wrong version
    /// number", what SslStream's innermost exception said too), or <paramref name="otherwise"/>; the queue is emptied.
    /// </summary>
    public static AuthenticationException Take(string otherwise)
    {
        var first = LibSsl.ERR_get_error();
        LibSsl.ERR_clear_error();
        if (first == 0) return new AuthenticationException(otherwise);
        var buffer = stackalloc byte[256];
        LibSsl.ERR_error_string_n(first, buffer, 256);
        var text = new ReadOnlySpan<byte>(buffer, 256);
        var end = text.IndexOf((byte)0);
        return new AuthenticationException(Encoding.UTF8.GetString(end < 0 ? text : text[..end]));
    }
}
