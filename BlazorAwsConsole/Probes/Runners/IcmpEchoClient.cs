using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// Sends ICMP echoes for the ping and traceroute runners (one per process, a singleton). Each
/// address family has one shared raw socket (<see cref="IcmpSocket"/>), opened on first use; when
/// it cannot be opened (not root, no CAP_NET_RAW, not Linux) that family falls back to
/// <see cref="Ping"/>, which loses replies under heavy concurrency, and says so once in the log.
/// </summary>
public sealed class IcmpEchoClient : IDisposable
{
    private const int DefaultPayloadBytes = 32;
    private readonly ILogger<IcmpEchoClient> _logger;
    private readonly Func<AddressFamily, IcmpSocket> _open;
    private readonly Lock _openLock = new();
    private readonly Dictionary<AddressFamily, IcmpSocket?> _sockets = [];
    private bool _disposed;

    public IcmpEchoClient(ILogger<IcmpEchoClient> logger) : this(logger, family => new IcmpSocket(family))
    {
    }

    /// <summary>With another way to open the raw socket: tests use it to see the fallback when opening fails.</summary>
    internal IcmpEchoClient(ILogger<IcmpEchoClient> logger, Func<AddressFamily, IcmpSocket> open)
    {
        _logger = logger;
        _open = open;
    }

    /// <summary>
    /// One echo to <paramref name="destination"/>. Never throws for an echo that is not answered
    /// (that is <see cref="IPStatus.TimedOut"/>); throws <see cref="SocketException"/> when the echo
    /// cannot be sent at all (no route), and <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public Task<IcmpEchoReply> SendAsync(IPAddress destination, int ttl, bool dontFragment, int payloadBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // ::ffff:a.b.c.d is an IPv4 host: its echoes belong on the IPv4 socket.
        if (destination.IsIPv4MappedToIPv6) destination = destination.MapToIPv4();
        ttl = Math.Clamp(ttl, 1, 255);
        payloadBytes = Math.Clamp(payloadBytes, 0, 65500);
        var socket = SocketFor(destination.AddressFamily);
        return socket is not null
            ? socket.SendAsync(destination, ttl, dontFragment, payloadBytes, timeout, cancellationToken)
            : PingAsync(destination, ttl, dontFragment, payloadBytes, timeout, cancellationToken);
    }

    /// <summary>True when echoes of this family go through the shared raw socket, false when through <see cref="Ping"/>.</summary>
    public bool UsesRawSocket(AddressFamily family) => SocketFor(family) is not null;

    private IcmpSocket? SocketFor(AddressFamily family)
    {
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sockets.TryGetValue(family, out var socket)) return socket;
            _sockets[family] = socket = Open(family);
            return socket;
        }
    }

    private IcmpSocket? Open(AddressFamily family)
    {
        var name = family == AddressFamily.InterNetworkV6 ? "ICMPv6" : "ICMP";
        if (!OperatingSystem.IsLinux())
        {
            _logger.LogWarning("Pinging with System.Net.NetworkInformation.Ping for {Protocol}: the shared raw socket is Linux-only; expect false loss under heavy concurrency", name);
            return null;
        }
        try
        {
            var socket = _open(family);
            _logger.LogInformation("Pinging through one shared raw {Protocol} socket ({ReceiveBufferBytes} bytes of receive buffer)", name, socket.ReceiveBufferSize);
            return socket;
        }
        catch (SocketException ex)
        {
            _logger.LogWarning("Pinging with System.Net.NetworkInformation.Ping for {Protocol}: cannot open a raw socket ({Error}; it needs root or CAP_NET_RAW); expect false loss under heavy concurrency", name, ex.Message);
            return null;
        }
    }

    private static async Task<IcmpEchoReply> PingAsync(IPAddress destination, int ttl, bool dontFragment, int payloadBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var ping = new Ping();
        // Without raw sockets Ping runs the ping utility, which takes only Ping's own default
        // payload (32 bytes): passing no buffer asks for that one.
        var buffer = payloadBytes == DefaultPayloadBytes ? null : new byte[payloadBytes];
        var before = Stopwatch.GetTimestamp();
        PingReply reply;
        try
        {
            reply = await ping.SendPingAsync(destination, timeout, buffer, new PingOptions(ttl, dontFragment), cancellationToken);
        }
        catch (PingException ex)
        {
            if (ex.InnerException is SocketException socket) ExceptionDispatchInfo.Throw(socket);
            throw new SocketException((int)SocketError.SocketError, ex.Message);
        }
        catch (PlatformNotSupportedException ex)
        {
            throw new SocketException((int)SocketError.OperationNotSupported, ex.Message);
        }
        // PingReply rounds to whole milliseconds (0 on a LAN): time it here instead.
        var rtt = TcpDialer.Ms(before, Stopwatch.GetTimestamp());
        return reply.Status is IPStatus.TimedOut or IPStatus.Unknown
            ? new IcmpEchoReply(IPStatus.TimedOut, null, rtt)
            : new IcmpEchoReply(reply.Status, reply.Address, rtt);
    }

    public void Dispose()
    {
        lock (_openLock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var socket in _sockets.Values) socket?.Dispose();
        }
    }
}
