using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// ICMP echo from this process through the shared <see cref="IcmpEchoClient"/>: count echoes, an
/// interval between them, payload size, don't-fragment and TTL. Round trips come from the
/// high-resolution clock (PingReply's whole milliseconds read 0 on a LAN).
/// </summary>
public sealed class PingRunner(TimeProvider time, IcmpEchoClient icmp) : IProbeRunner
{
    public ProbeType Type => ProbeType.Ping;

    public async Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(spec.Timeout.TotalSeconds * Stopwatch.Frequency);
        ProbeOutcome Failed(string reason) => new()
        {
            Success = false, Reason = reason, StartedAt = startedAt,
            DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
        };

        var address = await IcmpTarget.ResolveAsync(spec.Target, cancellationToken);
        if (address is null) return Failed($"cannot resolve {spec.Target}");

        var count = Math.Max(1, spec.PingCount);
        var rtts = new List<double>(count);
        var sent = 0;
        IPStatus? lastFailure = null;
        IPAddress? failureFrom = null;

        for (var i = 0; i < count; i++)
        {
            if (i > 0 && spec.PingIntervalMs > 0)
                await Task.Delay(spec.PingIntervalMs, cancellationToken);
            // Each echo gets an equal share of what is left of the run's timeout, so the run fits in it.
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline).TotalMilliseconds;
            if (left < 1) break;
            var echoTimeout = (int)Math.Max(1, left / (count - i));
            sent++;
            IcmpEchoReply reply;
            try
            {
                reply = await icmp.SendAsync(address, spec.PingTtl, spec.PingDontFragment, spec.PingPayloadBytes,
                    TimeSpan.FromMilliseconds(echoTimeout), cancellationToken);
            }
            catch (SocketException socket)
            {
                return Failed($"cannot ping {address}: {socket.Message}");
            }
            if (reply.Status == IPStatus.Success) rtts.Add(reply.RttMs);
            else
            {
                lastFailure = reply.Status;
                failureFrom = reply.From;
            }
        }

        var details = PingStatistics.Of(sent, rtts);
        var success = details.Received > 0;
        return new ProbeOutcome
        {
            Success = success,
            Reason = ReasonOf(details, lastFailure, failureFrom, address),
            StartedAt = startedAt,
            DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
            ResponseTimeMs = details.AvgMs,
            Ping = details,
        };
    }

    private static string ReasonOf(PingDetails d, IPStatus? failure, IPAddress? from, IPAddress target)
    {
        var loss = d.LossPercent > 0 ? $", {d.LossPercent:0.#}% loss" : "";
        if (d.Received > 0) return $"{d.Received}/{d.Sent} replies, avg {d.AvgMs:0.0##} ms{loss}";
        var by = from is not null && !from.Equals(IPAddress.Any) && !from.Equals(target) ? $" (reported by {from})" : "";
        return failure switch
        {
            IPStatus.DestinationHostUnreachable or IPStatus.DestinationUnreachable => $"host unreachable{by}, 100% packet loss (0/{d.Sent} replies)",
            IPStatus.DestinationNetworkUnreachable => $"network unreachable{by}, 100% packet loss (0/{d.Sent} replies)",
            IPStatus.TtlExpired or IPStatus.TimeExceeded => $"TTL expired in transit{by}, 100% packet loss (0/{d.Sent} replies)",
            IPStatus.PacketTooBig => $"packet too big and don't-fragment set{by}, 100% packet loss (0/{d.Sent} replies)",
            _ => $"100% packet loss (0/{d.Sent} replies)",
        };
    }
}
