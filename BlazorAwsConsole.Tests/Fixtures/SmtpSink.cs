using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A small SMTP server on a loopback port speaking enough of RFC 5321 for MailKit: EHLO/HELO,
/// AUTH PLAIN (when <see cref="RequireAuth"/> is set), MAIL, RCPT, DATA (with dot-unstuffing),
/// RSET, NOOP and QUIT. No TLS. Every accepted message is kept with its envelope.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public sealed record Message(string? User, string? Password, string MailFrom, IReadOnlyList<string> RcptTo, string Data);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Message> _messages = new();
    private readonly Task _accepting;

    /// <summary>When set, MAIL is refused until AUTH PLAIN succeeds with this user and password.</summary>
    public (string User, string Password)? RequireAuth { get; set; }

    public int Port { get; }
    public IReadOnlyList<Message> Messages => _messages.ToList();

    private SmtpSink()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public static SmtpSink Start() => new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8, false, 1024, leaveOpen: true);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1024, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink.test ESMTP ready");
            string? user = null, password = null, from = null;
            var rcpts = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                var argument = line.Length > verb.Length ? line[(verb.Length + 1)..] : "";
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-sink.test");
                        if (RequireAuth is not null) await writer.WriteLineAsync("250-AUTH PLAIN");
                        await writer.WriteLineAsync("250-8BITMIME");
                        await writer.WriteLineAsync("250 SIZE 10485760");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 sink.test");
                        break;
                    case "AUTH":
                        var parts = argument.Split(' ', 2);
                        var encoded = parts.Length > 1 ? parts[1] : null;
                        if (encoded is null)
                        {
                            await writer.WriteLineAsync("334 ");
                            encoded = await reader.ReadLineAsync(_stop.Token) ?? "";
                        }
                        var fields = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split('\0');
                        if (RequireAuth is { } required && fields.Length == 3 && fields[1] == required.User && fields[2] == required.Password)
                        {
                            (user, password) = (fields[1], fields[2]);
                            await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                        }
                        else await writer.WriteLineAsync("535 5.7.8 Authentication credentials invalid");
                        break;
                    case "MAIL":
                        if (RequireAuth is not null && user is null) { await writer.WriteLineAsync("530 5.7.0 Authentication required"); break; }
                        from = Address(argument);
                        rcpts.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        rcpts.Add(Address(argument));
                        await writer.WriteLineAsync("250 2.1.5 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith("..") ? dataLine[1..] : dataLine).Append("\r\n");
                        _messages.Enqueue(new Message(user, password, from ?? "", rcpts.ToList(), data.ToString()));
                        await writer.WriteLineAsync("250 2.0.0 Queued");
                        break;
                    case "RSET":
                        (from, rcpts) = (null, []);
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognized");
                        break;
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The client hung up.
        }
    }

    // "FROM:<a@b> SIZE=123" → "a@b"
    private static string Address(string argument)
    {
        var start = argument.IndexOf('<');
        var end = argument.IndexOf('>');
        return start >= 0 && end > start ? argument[(start + 1)..end] : argument;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting; } catch (Exception) { }
        _stop.Dispose();
    }
}
