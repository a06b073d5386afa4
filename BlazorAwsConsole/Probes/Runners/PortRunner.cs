using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// TCP port check: connect (refused → closed, no answer → filtered), optionally a TLS handshake
/// (any certificate: this checks the port, not the certificate), optionally send a text and expect a
/// text in what comes back (a banner such as "SSH-2.0").
/// </summary>
public sealed class PortRunner(TimeProvider time) : IProbeRunner
{
    private const int BannerReadLimit = 4096;

    public ProbeType Type => ProbeType.Port;

    public async Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var start = Stopwatch.GetTimestamp();
        var details = new PortDetails { State = PortState.Filtered };
        ProbeOutcome Done(bool success, string reason, bool reachedPort = true) => new()
        {
            Success = success,
            Reason = reason,
            StartedAt = startedAt,
            DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
            ResponseTimeMs = details.ConnectMs,
            // A name that does not resolve, or an address the guard refuses, says nothing about the port.
            Port = reachedPort ? details : null,
        };

        if (spec.Port is not { } port || port is < 1 or > 65535)
            return Done(false, "port must be between 1 and 65535");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var phase = "connect";
        var received = new MemoryStream();
        try
        {
            var dialed = await TcpDialer.DialAsync(spec.Target, port, spec.LinkLocalAllowList, timeout.Token);
            using var socket = dialed.Socket;
            details = details with { State = PortState.Open, ConnectMs = TcpDialer.Ms(dialed.ResolvedAt, dialed.ConnectedAt) };

            await using Stream stream = spec.UseTls
                ? await HandshakeAsync(socket, spec.Target, timeout.Token, tlsMs => details = details with { TlsMs = tlsMs }, p => phase = p)
                : new NetworkStream(socket, ownsSocket: false);

            if (!string.IsNullOrEmpty(spec.SendText))
            {
                phase = "send";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Unescape(spec.SendText)), timeout.Token);
            }
            if (!string.IsNullOrEmpty(spec.ExpectText))
            {
                phase = "reply";
                var found = await ReadUntilAsync(stream, received, spec.ExpectText, timeout.Token);
                details = details with { Banner = BannerOf(received) };
                if (!found)
                    return Done(false, $"port {port} open, but the reply lacks \"{spec.ExpectText}\" (got \"{details.Banner}\")");
            }
            var tls = spec.UseTls ? $", TLS {details.TlsMs:0.#} ms" : "";
            return Done(true, $"port {port} open, connect {details.ConnectMs:0.#} ms{tls}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var seconds = spec.Timeout.TotalSeconds;
            if (phase == "connect")
                return Done(false, $"port {port} filtered: no answer within {seconds:0.#} s");
            details = details with { Banner = received.Length > 0 ? BannerOf(received) : null };
            return Done(false, phase == "reply"
                ? $"port {port} open, but \"{spec.ExpectText}\" did not arrive within {seconds:0.#} s (got \"{details.Banner}\")"
                : $"port {port} open, but timed out after {seconds:0.#} s during {phase}");
        }
        catch (DialRefusedException ex)
        {
            return Done(false, ex.Message, reachedPort: false);
        }
        catch (SocketException ex) when (phase == "connect")
        {
            details = details with { State = ex.SocketErrorCode == SocketError.ConnectionRefused ? PortState.Closed : PortState.Filtered };
            return Done(false, ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"port {port} closed: connection refused",
                SocketError.HostUnreachable => $"port {port} filtered: host unreachable",
                SocketError.NetworkUnreachable => $"port {port} filtered: network unreachable",
                SocketError.TimedOut => $"port {port} filtered: connect timed out",
                _ => $"port {port} filtered: {ex.Message}",
            });
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            details = details with { Banner = received.Length > 0 ? BannerOf(received) : null };
            return Done(false, $"port {port} open, but {phase} failed: {(ex.InnerException ?? ex).Message}");
        }
    }

    private static async Task<Stream> HandshakeAsync(Socket socket, string host, CancellationToken token, Action<double> onDone, Action<string> setPhase)
    {
        setPhase("TLS handshake");
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        var begun = Stopwatch.GetTimestamp();
        var bare = host.Trim('[', ']');
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = bare,
            // A port check asks whether TLS is spoken on the port; HTTP tests verify certificates.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            // So SslStream's own chain build trusts no root and fetches nothing the certificate names (ChainVerdicts says why).
            CertificateChainPolicy = ChainVerdicts.HandshakePolicy(),
        }, token);
        onDone(TcpDialer.Ms(begun, Stopwatch.GetTimestamp()));
        return ssl;
    }

    private static async Task<bool> ReadUntilAsync(Stream stream, MemoryStream received, string expected, CancellationToken token)
    {
        var buffer = new byte[1024];
        while (received.Length < BannerReadLimit)
        {
            var read = await stream.ReadAsync(buffer, token);
            if (read == 0) break;
            received.Write(buffer, 0, read);
            if (Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length).Contains(expected, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>What the service sent, on one line: control characters become spaces, at most 256 characters.</summary>
    private static string BannerOf(MemoryStream received)
    {
        var text = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
        var chars = text.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        var line = new string(chars).Trim();
        return line.Length <= 256 ? line : line[..256];
    }

    /// <summary>The send text is typed in a form, so \r, \n, \t and \\ stand for the characters.</summary>
    internal static string Unescape(string text) => text
        .Replace(@"\\", "\u0001", StringComparison.Ordinal)
        .Replace(@"\r", "\r", StringComparison.Ordinal)
        .Replace(@"\n", "\n", StringComparison.Ordinal)
        .Replace(@"\t", "\t", StringComparison.Ordinal)
        .Replace("\u0001", @"\", StringComparison.Ordinal);
}
