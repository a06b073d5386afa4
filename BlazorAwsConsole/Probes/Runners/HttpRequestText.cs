using System.Text;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// The bytes of one HTTP/1.1 request of a probe: request line, Host, the test's headers, a User-Agent
/// unless the test sets one, <c>Connection: close</c> (one request per connection, as curl and
/// blackbox probe), Content-Length and the body. The framing headers (Content-Length,
/// Transfer-Encoding, Connection) are the probe's own: a test's copies of them are not sent.
/// </summary>
internal static class HttpRequestText
{
    public const string UserAgent = "BlazorAwsConsole-probe/1.0";

    public static byte[] Build(Uri url, string method, IReadOnlyDictionary<string, string> headers, string? body)
    {
        var text = new StringBuilder(256);
        text.Append(method).Append(' ').Append(url.PathAndQuery).Append(" HTTP/1.1\r\n");
        var host = url.HostNameType == UriHostNameType.IPv6 ? $"[{url.IdnHost.Trim('[', ']')}]" : url.IdnHost;
        string? hostHeader = url.IsDefaultPort ? host : $"{host}:{url.Port}";
        var userAgentGiven = false;
        foreach (var (name, value) in headers)
        {
            if (!IsToken(name) || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
                throw new HttpProbeException($"header '{name}' cannot be sent");
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) hostHeader = value;
        }
        text.Append("Host: ").Append(hostHeader).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                continue;
            userAgentGiven |= name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase);
            text.Append(name).Append(": ").Append(value.Trim()).Append("\r\n");
        }
        if (!userAgentGiven) text.Append("User-Agent: ").Append(UserAgent).Append("\r\n");
        text.Append("Connection: close\r\n");
        var payload = body is null ? null : Encoding.UTF8.GetBytes(body);
        // As HttpClient does: a POST, PUT or PATCH without a body still says it has none.
        if (payload is not null || method is "POST" or "PUT" or "PATCH")
            text.Append("Content-Length: ").Append(payload?.Length ?? 0).Append("\r\n");
        text.Append("\r\n");

        var head = text.ToString();
        var headLength = Encoding.UTF8.GetByteCount(head);
        var bytes = new byte[headLength + (payload?.Length ?? 0)];
        Encoding.UTF8.GetBytes(head, bytes);
        payload?.CopyTo(bytes, headLength);
        return bytes;
    }

    /// <summary>RFC 9110's token: the characters a header name or method may hold.</summary>
    public static bool IsToken(string value)
    {
        if (value.Length == 0) return false;
        foreach (var c in value)
        {
            if (c > 126 || c <= 32 || "\"(),/:;<=>?@[\\]{}".Contains(c)) return false;
        }
        return true;
    }
}
