using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using BlazorAwsConsole.Probes.Runners.Tls;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// TLS certificate test: a fresh TCP connection to the target's port (the link-local guard applies,
/// as for port checks), a full TLS handshake sending the server name as SNI, then the certificates the
/// server sent judged by <see cref="ServedChainJudge"/> (fields, name, chain against the machine's roots)
/// and <see cref="TlsCheck"/>. The handshake accepts any certificate so that an untrusted or mismatched
/// one is still reported in full. On Linux the handshake is libssl's, called directly with one context
/// for the process (<see cref="NativeTlsHandshake"/> says why); elsewhere SslStream's
/// (<see cref="SslStreamHandshake"/>).
/// </summary>
public sealed class TlsRunner(TimeProvider time) : IProbeRunner
{
    private static readonly ITlsHandshake Handshake = NativeTlsHandshake.IsAvailable ? new NativeTlsHandshake() : new SslStreamHandshake();

    public ProbeType Type => ProbeType.Tls;

    public async Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var start = Stopwatch.GetTimestamp();
        TlsDetails? details = null;
        ProbeOutcome Done(string? failure, string? success = null) => new()
        {
            Success = failure is null,
            Reason = failure ?? success!,
            StartedAt = startedAt,
            DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
            ResponseTimeMs = details?.ConnectMs + details?.HandshakeMs,
            Tls = details,
        };

        var port = spec.Port ?? TlsCheck.DefaultPort;
        if (port is < 1 or > 65535) return Done("port must be between 1 and 65535");
        var host = spec.Target.Trim().Trim('[', ']');
        var serverName = TlsCheck.ServerName(spec);
        var seconds = spec.Timeout.TotalSeconds;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var phase = "connect";
        try
        {
            var dialed = await TcpDialer.DialAsync(host, port, spec.LinkLocalAllowList, timeout.Token);
            using var socket = dialed.Socket;
            details = new TlsDetails { ConnectMs = TcpDialer.Ms(dialed.ResolvedAt, dialed.ConnectedAt) };
            phase = "TLS handshake";
            var begun = Stopwatch.GetTimestamp();
            var served = await Handshake.HandshakeAsync(socket, serverName, timeout.Token);
            var handshakeMs = TcpDialer.Ms(begun, Stopwatch.GetTimestamp());
            if (served.Chain.Count == 0) return Done($"{host}:{port} sent no certificate");
            var now = time.GetUtcNow();
            var judged = ServedChainJudge.Judge(served.Chain, serverName, spec.TlsVerifyChain, now);
            details = details with
            {
                HandshakeMs = handshakeMs,
                Subject = judged.Leaf.Subject,
                Issuer = judged.Leaf.Issuer,
                NotBefore = judged.Leaf.NotBefore,
                NotAfter = judged.Leaf.NotAfter,
                DaysLeft = TlsCheck.DaysLeft(judged.Leaf.NotAfter, now),
                TlsVersion = served.TlsVersion,
                CipherSuite = served.CipherSuite,
                ChainValid = judged.Chain.Valid,
                ChainError = judged.Chain.Error,
                HostnameMatches = judged.HostnameMatches,
                Sans = [.. judged.Leaf.Sans], // a copy: the judgement is shared by every run on these certificates
            };
            var failure = TlsCheck.Failure(spec, details, now);
            return Done(failure, failure is null ? TlsCheck.Success(details) : null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Done(phase == "connect"
                ? $"no answer from {host}:{port} within {seconds:0.#} s"
                : $"{host}:{port} did not finish the TLS handshake within {seconds:0.#} s");
        }
        catch (DialRefusedException ex)
        {
            return Done(ex.Message);
        }
        catch (SocketException ex) when (phase == "connect")
        {
            return Done(ex.SocketErrorCode == SocketError.ConnectionRefused
                ? $"connection refused by {host}:{port}"
                : $"cannot connect to {host}:{port}: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            return Done($"TLS handshake with {host}:{port} failed: {Innermost(ex).Message}");
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}
