using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// TLS certificate test: a fresh TCP connection to the target's port (the link-local guard applies,
/// as for port checks), a TLS handshake sending the server name as SNI, then the server's leaf
/// certificate read and judged by <see cref="TlsCheck"/>. The handshake accepts any certificate so
/// that an untrusted or mismatched one is still reported in full; the platform's own verdicts on the
/// name (from the handshake) and on the chain (built against the machine's roots by
/// <see cref="ChainVerdicts"/>) are kept and decide.
/// </summary>
public sealed class TlsRunner(TimeProvider time) : IProbeRunner
{
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
            var policyErrors = SslPolicyErrors.None;
            ChainVerdict? chainVerdict = null;
            var sentCertificate = false;
            await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            var begun = Stopwatch.GetTimestamp();
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                // Every run is a full handshake, as blackbox_exporter's: a resumed session (.NET keeps them per
                // server name; a TLS 1.2 server hands one out in the handshake) skips the server's certificate,
                // and the run would report the one remembered from an earlier run instead of the one served now.
                AllowTlsResume = false,
                // The handshake trusts no root (its chain verdict is ignored): the chain is built here
                // against the machine's roots (ChainVerdicts), far cheaper than SslStream's build.
                CertificateChainPolicy = ChainVerdicts.HandshakePolicy(),
                // Judged after the handshake (TlsCheck), so an untrusted certificate is still read and reported.
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    policyErrors = errors;
                    if (certificate is not X509Certificate2 leaf) return true;
                    sentCertificate = true;
                    var sent = chain?.ChainPolicy.ExtraStore ?? [];
                    chainVerdict = spec.TlsVerifyChain ? ChainVerdicts.Verify(leaf, sent) : ChainVerdicts.Reported(leaf, sent, time.GetUtcNow());
                    return true;
                },
            }, timeout.Token);
            var handshakeMs = TcpDialer.Ms(begun, Stopwatch.GetTimestamp());
            if (!sentCertificate || ssl.RemoteCertificate is not X509Certificate2 remote) return Done($"{host}:{port} sent no certificate");
            var now = time.GetUtcNow();
            var leaf = LeafFields.Of(remote);
            details = details with
            {
                HandshakeMs = handshakeMs,
                Subject = leaf.Subject,
                Issuer = leaf.Issuer,
                NotBefore = leaf.NotBefore,
                NotAfter = leaf.NotAfter,
                DaysLeft = TlsCheck.DaysLeft(leaf.NotAfter, now),
                TlsVersion = TlsCheck.VersionName(ssl.SslProtocol),
                CipherSuite = ssl.NegotiatedCipherSuite.ToString(),
                ChainValid = chainVerdict!.Valid,
                ChainError = chainVerdict.Error,
                HostnameMatches = (policyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
                Sans = leaf.Sans,
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
