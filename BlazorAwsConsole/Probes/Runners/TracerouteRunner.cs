using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// Traceroute with ICMP echoes of increasing TTL: each router on the way answers "TTL expired" with
/// its address, the destination answers the echo. The probes of one hop go out together; hops go
/// one after the other and the trace stops at the destination, at a hop that reports it unreachable,
/// at <see cref="ProbeSpec.MaxHops"/>, or when the run's timeout is spent. Hop names come from
/// reverse DNS, looked up all at once at the end with a short bound (a missing name is null).
/// </summary>
public sealed class TracerouteRunner(TimeProvider time, IcmpEchoClient icmp) : IProbeRunner
{
    private static readonly TimeSpan ReverseDnsBound = TimeSpan.FromMilliseconds(500);
    private const int PayloadBytes = 32;

    public ProbeType Type => ProbeType.Traceroute;

    public async Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(spec.Timeout.TotalSeconds * Stopwatch.Frequency);

        var destination = await IcmpTarget.ResolveAsync(spec.Target, cancellationToken);
        if (destination is null)
        {
            return new ProbeOutcome
            {
                Success = false, Reason = $"cannot resolve {spec.Target}", StartedAt = startedAt,
                DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
            };
        }

        var probes = Math.Clamp(spec.ProbesPerHop, 1, 10);
        var hops = new List<TraceHop>();
        var reached = false;
        string? stoppedBecause = null;
        for (var ttl = 1; ttl <= Math.Clamp(spec.MaxHops, 1, 64); ttl++)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline).TotalMilliseconds;
            if (left < 1)
            {
                stoppedBecause = $"timed out after {spec.Timeout.TotalSeconds:0.#} s at hop {ttl}";
                break;
            }
            var hopTimeout = TimeSpan.FromMilliseconds(Math.Min(spec.HopTimeoutMs, left));
            var replies = await Task.WhenAll(Enumerable.Range(0, probes)
                .Select(_ => ProbeAsync(destination, ttl, hopTimeout, cancellationToken)));

            var answered = replies.Where(r => r.Status != null).ToList();
            var address = answered.FirstOrDefault()?.From;
            hops.Add(new TraceHop
            {
                Hop = ttl,
                Address = address?.ToString(),
                RttMs = replies.Select(r => r.Status != null ? (double?)r.RttMs : null).ToList(),
                LossPercent = Math.Round(100.0 * (probes - answered.Count) / probes, 1),
            });
            if (answered.Any(r => r.Status == IPStatus.Success))
            {
                reached = true;
                break;
            }
            if (answered.FirstOrDefault(r => IsUnreachable(r.Status)) is { } unreachable)
            {
                stoppedBecause = $"{unreachable.From} reports {destination} unreachable at hop {ttl}";
                break;
            }
        }

        // Names are a courtesy: they get what is left of the run's timeout, at most the short bound.
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        var named = await NameHopsAsync(hops, remaining < ReverseDnsBound ? remaining : ReverseDnsBound, cancellationToken);
        var details = new TracerouteDetails { Hops = named, Reached = reached };
        var last = named.LastOrDefault();
        var rtts = last?.RttMs.Where(r => r.HasValue).Select(r => r!.Value).ToList() ?? [];
        double? toDestination = reached && rtts.Count > 0 ? Math.Round(rtts.Average(), 3) : null;
        return new ProbeOutcome
        {
            Success = reached,
            Reason = reached
                ? $"reached {destination} in {named.Count} hop{(named.Count == 1 ? "" : "s")}, {toDestination:0.0##} ms"
                : stoppedBecause ?? $"{destination} not reached within {named.Count} hops",
            StartedAt = startedAt,
            DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
            ResponseTimeMs = toDestination,
            Traceroute = details,
        };
    }

    private sealed record HopReply(IPStatus? Status, IPAddress? From, double RttMs);

    /// <summary>One echo with the given TTL; an echo that cannot be sent counts as unanswered.</summary>
    private async Task<HopReply> ProbeAsync(IPAddress destination, int ttl, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await icmp.SendAsync(destination, ttl, dontFragment: false, PayloadBytes, timeout, cancellationToken);
            return reply.Status is IPStatus.TimedOut or IPStatus.Unknown
                ? new HopReply(null, null, reply.RttMs)
                : new HopReply(reply.Status, reply.From, reply.RttMs);
        }
        catch (SocketException)
        {
            return new HopReply(null, null, 0);
        }
    }

    private static bool IsUnreachable(IPStatus? status) => status is IPStatus.DestinationHostUnreachable
        or IPStatus.DestinationNetworkUnreachable or IPStatus.DestinationUnreachable
        or IPStatus.DestinationProtocolUnreachable or IPStatus.DestinationPortUnreachable;

    private static async Task<List<TraceHop>> NameHopsAsync(List<TraceHop> hops, TimeSpan bound, CancellationToken cancellationToken)
    {
        if (bound <= TimeSpan.Zero) return hops;
        var names = await Task.WhenAll(hops.Select(h => ReverseNameAsync(h.Address, bound, cancellationToken)));
        return hops.Select((h, i) => h with { HostName = names[i] }).ToList();
    }

    private static async Task<string?> ReverseNameAsync(string? address, TimeSpan bound, CancellationToken cancellationToken)
    {
        if (address is null) return null;
        try
        {
            var entry = await Dns.GetHostEntryAsync(address, cancellationToken).WaitAsync(bound, cancellationToken);
            return string.IsNullOrEmpty(entry.HostName) || entry.HostName == address ? null : entry.HostName;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
