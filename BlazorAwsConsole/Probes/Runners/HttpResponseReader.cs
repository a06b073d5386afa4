using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>The response was not HTTP/1.x as RFC 9112 frames it; the message says what was wrong.</summary>
internal sealed class HttpProtocolException(string message) : IOException(message);

/// <summary>What a probe needs of a response's head: the status and the headers it acts on.</summary>
internal sealed record HttpResponseHead(int StatusCode, string? Location, string? ContentType, long? ContentLength, bool Chunked);

/// <summary>
/// Reads one HTTP/1.1 response from a connection used for nothing else: the head (1xx interim
/// answers skipped), then the body as the head frames it (Content-Length, chunked, or up to the
/// close), counting every byte and handing the caller the ones it keeps. Notes in the exchange when
/// the first response byte arrived. Owns a pooled buffer; dispose it to give the buffer back.
/// </summary>
internal sealed class HttpResponseReader(Stream stream, HttpExchange exchange) : IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;

    public async Task<HttpResponseHead> ReadHeadAsync(CancellationToken token)
    {
        while (true)
        {
            int headEnd;
            while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (_end - _start >= MaxHeadBytes) throw new HttpProtocolException($"the response head is larger than {MaxHeadBytes / 1024} KiB");
                if (await FillAsync(token) == 0)
                    throw _end == _start ? new IOException("end of stream") : new HttpProtocolException("the connection closed inside the response head");
            }
            var head = Parse(_buffer.AsSpan(_start, headEnd));
            _start += headEnd + 4;
            // 100 Continue, 103 Early Hints: the answer is still to come (101 would switch protocols, and is the answer).
            if (head.StatusCode is >= 100 and < 200 and not 101) continue;
            return head;
        }
    }

    /// <summary>Reads the body to its end; returns its size. Bytes go to <paramref name="keep"/> when given.</summary>
    public async Task<long> ReadBodyAsync(HttpResponseHead head, bool headRequest, Action<ReadOnlySpan<byte>>? keep, CancellationToken token)
    {
        if (headRequest || head.StatusCode is < 200 or 204 or 304) return 0;
        if (head.Chunked) return await ReadChunkedAsync(keep, token);
        if (head.ContentLength is { } length)
        {
            long got = 0;
            while (got < length)
            {
                if (_start == _end && await FillAsync(token) == 0)
                    throw new IOException($"the connection closed after {got} of {length} body bytes");
                got += Take((int)Math.Min(_end - _start, length - got), keep);
            }
            return got;
        }
        long size = 0;
        while (true)
        {
            if (_start == _end && await FillAsync(token) == 0) return size;
            size += Take(_end - _start, keep);
        }
    }

    private async Task<long> ReadChunkedAsync(Action<ReadOnlySpan<byte>>? keep, CancellationToken token)
    {
        long size = 0;
        while (true)
        {
            var line = await ReadLineAsync(token);
            var hex = line.AsSpan();
            var extension = hex.IndexOf(';');
            if (extension >= 0) hex = hex[..extension];
            if (!long.TryParse(hex.Trim(" \t"), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var chunk) || chunk < 0)
                throw new HttpProtocolException($"bad chunk size '{line}'");
            if (chunk == 0)
            {
                while ((await ReadLineAsync(token)).Length > 0) { } // trailers
                return size;
            }
            for (long left = chunk; left > 0;)
            {
                if (_start == _end && await FillAsync(token) == 0)
                    throw new IOException($"the connection closed inside a chunk after {size} body bytes");
                var taken = Take((int)Math.Min(_end - _start, left), keep);
                left -= taken;
                size += taken;
            }
            if ((await ReadLineAsync(token)).Length != 0) throw new HttpProtocolException("a chunk did not end with CRLF");
        }
    }

    private int Take(int count, Action<ReadOnlySpan<byte>>? keep)
    {
        keep?.Invoke(_buffer.AsSpan(_start, count));
        _start += count;
        return count;
    }

    private async Task<string> ReadLineAsync(CancellationToken token)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            if (_end - _start >= MaxHeadBytes) throw new HttpProtocolException("a chunked-body line is too long");
            if (await FillAsync(token) == 0) throw new IOException("the connection closed inside the chunked body");
        }
        var line = Encoding.ASCII.GetString(_buffer, _start, end);
        _start += end + 2;
        return line;
    }

    /// <summary>Reads more bytes after those not yet used; 0 at the end of the stream.</summary>
    private async ValueTask<int> FillAsync(CancellationToken token)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), token);
        if (read > 0 && exchange.FirstByteAt == 0) exchange.FirstByteAt = Stopwatch.GetTimestamp();
        _end += read;
        return read;
    }

    private static HttpResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        // "HTTP/1.1 200 OK": the version, a space, three digits, then a space or the end.
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3 || status < 100
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
            throw new HttpProtocolException($"not an HTTP/1.x status line: \"{Printable(statusLine)}\"");

        string? location = null, contentType = null;
        long? contentLength = null;
        var chunked = false;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (rest.Length > 0)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) throw new HttpProtocolException($"bad header line \"{Printable(line)}\"");
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (name.EqualsAnyCase("Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long parsed, out var n) || n != value.Length || parsed < 0 || (contentLength is { } seen && seen != parsed))
                    throw new HttpProtocolException($"bad Content-Length \"{Printable(value)}\"");
                contentLength = parsed;
            }
            else if (name.EqualsAnyCase("Transfer-Encoding"u8))
            {
                chunked = Encoding.ASCII.GetString(value).Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.EqualsAnyCase("Location"u8))
            {
                location = Encoding.Latin1.GetString(value);
            }
            else if (name.EqualsAnyCase("Content-Type"u8))
            {
                contentType = Encoding.Latin1.GetString(value);
            }
        }
        return new HttpResponseHead(status, location, contentType, chunked ? null : contentLength, chunked);
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 80)]);
        return string.Create(text.Length, text, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? '?' : s[i];
        });
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

internal static class AsciiSpans
{
    public static bool EqualsAnyCase(this ReadOnlySpan<byte> value, ReadOnlySpan<byte> name) =>
        System.Text.Ascii.EqualsIgnoreCase(value, name);
}
