using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// One raw ICMP (or ICMPv6) socket shared by every echo of one address family, with one thread that
/// receives everything and hands each answer to the request waiting for its (identifier, sequence).
/// One socket instead of one per echo matters: the kernel gives every raw ICMP socket a copy of
/// every ICMP packet, so with many sockets each one's buffer fills with the others' traffic and
/// overflows, and replies that did arrive are dropped. Linux only (raw socket options by number).
/// </summary>
internal sealed class IcmpSocket : IDisposable
{
    private const int ReceiveBufferBytes = 8 * 1024 * 1024;
    private static readonly long CatchUpTicks = Stopwatch.Frequency / 4;
    private const int SolSocket = 1, SoRcvBufForce = 33, SolRaw = 255, IcmpFilter = 1, IpProtoIcmpV6 = 58, Icmp6Filter = 1, IpProtoIpV6 = 41, Ipv6DontFrag = 62;

    private readonly Socket _socket;
    private readonly bool _v6;
    private readonly ushort _identifier = (ushort)Random.Shared.Next(1, ushort.MaxValue);
    private readonly ConcurrentDictionary<ushort, Pending> _pending = new();
    private readonly Lock _sendLock = new();
    private readonly Thread _receiver;
    private int _sequence = Random.Shared.Next(ushort.MaxValue);
    private int _ttl = -1;
    private int _dontFragment = -1;
    private volatile bool _disposed;
    /// <summary>1 while the receive thread is blocked waiting for a datagram (it has read all it was given).</summary>
    private int _waiting;

    private sealed class Pending(IPAddress destination)
    {
        public IPAddress Destination { get; } = destination;
        public long SentAt;
        public readonly TaskCompletionSource<IcmpEchoReply> Reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Opens the socket; throws <see cref="SocketException"/> when raw sockets are not allowed (not root, no CAP_NET_RAW).</summary>
    public IcmpSocket(AddressFamily family)
    {
        _v6 = family == AddressFamily.InterNetworkV6;
        _socket = new Socket(family, SocketType.Raw, _v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
        try
        {
            GrowReceiveBuffer();
            ReceiveOnlyAnswers();
            // The receive thread wakes this often to notice that the socket is being disposed.
            _socket.ReceiveTimeout = 500;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = $"icmp-receive-{(_v6 ? "v6" : "v4")}" };
        _receiver.Start();
    }

    public int ReceiveBufferSize => _socket.ReceiveBufferSize;

    public async Task<IcmpEchoReply> SendAsync(IPAddress destination, int ttl, bool dontFragment, int payloadBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pending = new Pending(destination);
        var sequence = Reserve(pending);
        try
        {
            var packet = IcmpPacket.EchoRequest(_v6, _identifier, sequence, payloadBytes);
            var to = new IPEndPoint(destination, 0).Serialize();
            try
            {
                // Socket options are per socket: the TTL and don't-fragment of this echo must not be
                // changed by another thread between setting them and sending it.
                lock (_sendLock)
                {
                    if (_ttl != ttl)
                    {
                        _socket.SetSocketOption(_v6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, ttl);
                        _ttl = ttl;
                    }
                    var df = dontFragment ? 1 : 0;
                    if (_dontFragment != df)
                    {
                        // Socket.DontFragment is IPv4 only on Linux; IPv6 has IPV6_DONTFRAG.
                        if (_v6) _socket.SetRawSocketOption(IpProtoIpV6, Ipv6DontFrag, BitConverter.GetBytes(df));
                        else _socket.DontFragment = dontFragment;
                        _dontFragment = df;
                    }
                    pending.SentAt = Stopwatch.GetTimestamp();
                    _socket.SendTo(packet, SocketFlags.None, to);
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
            {
                return new IcmpEchoReply(IPStatus.PacketTooBig, null, 0);
            }
            // The receive loop and the timeout race to take the request out of the table; whoever
            // takes it settles it, so a reply the loop has taken is never turned into a timeout by a
            // timer that fired late on a busy thread pool (Task.WaitAsync could do that).
            using var expiry = new CancellationTokenSource(timeout);
            using var onExpiry = expiry.Token.UnsafeRegister(_ => Expire(sequence, pending, Stopwatch.GetTimestamp() + CatchUpTicks), null);
            using var onCancel = cancellationToken.UnsafeRegister(_ =>
            {
                if (_pending.TryRemove(new KeyValuePair<ushort, Pending>(sequence, pending))) pending.Reply.TrySetCanceled(cancellationToken);
            }, null);
            return await pending.Reply.Task;
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<ushort, Pending>(sequence, pending));
        }
    }

    /// <summary>The next free sequence number (16 bits, wrapping), registered before the echo leaves so no answer can beat it.</summary>
    private ushort Reserve(Pending pending)
    {
        while (true)
        {
            var sequence = (ushort)(Interlocked.Increment(ref _sequence) & 0xFFFF);
            if (_pending.TryAdd(sequence, pending)) return sequence;
        }
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(65536);
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_disposed)
        {
            int length;
            try
            {
                Volatile.Write(ref _waiting, 1);
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException) { continue; }
            catch (ObjectDisposedException) { return; }
            finally
            {
                Volatile.Write(ref _waiting, 0);
            }
            var receivedAt = Stopwatch.GetTimestamp();

            IcmpPacket.Answer answer;
            IPAddress? sender;
            if (_v6)
            {
                if (!IcmpPacket.TryReadV6(buffer.AsSpan(0, length), out answer)) continue;
                sender = null;
            }
            else if (!IcmpPacket.TryReadV4(buffer.AsSpan(0, length), out answer, out sender)) continue;

            // Every ICMP packet on the host reaches every raw socket: other pings' replies carry their identifier.
            if (answer.Identifier != _identifier || !_pending.TryGetValue(answer.Sequence, out var pending)) continue;
            // An error must be about an echo to this request's destination (compared without an IPv6 scope id).
            if (answer.OriginalDestination is { } original && !original.GetAddressBytes().AsSpan().SequenceEqual(pending.Destination.GetAddressBytes())) continue;
            Settle(answer.Sequence, pending, new IcmpEchoReply(answer.Status, sender ?? SenderV6(from), TcpDialer.Ms(pending.SentAt, receivedAt)));
        }
    }

    /// <summary>
    /// At the deadline the answer may already be in the socket, with the receive thread not yet
    /// scheduled to read it (a busy machine). So an echo times out only once the thread waits on an
    /// empty socket, or after a short catch-up bound: a reply that arrived in time is never loss.
    /// </summary>
    private void Expire(ushort sequence, Pending pending, long catchUpUntil)
    {
        if (!_pending.TryGetValue(sequence, out var current) || current != pending) return;
        if (Stopwatch.GetTimestamp() < catchUpUntil && !_disposed && !CaughtUp())
        {
            _ = Task.Delay(1).ContinueWith(_ => Expire(sequence, pending, catchUpUntil), TaskScheduler.Default);
            return;
        }
        Settle(sequence, pending, new IcmpEchoReply(IPStatus.TimedOut, null, TcpDialer.Ms(pending.SentAt, Stopwatch.GetTimestamp())));
    }

    private bool CaughtUp()
    {
        try
        {
            return Volatile.Read(ref _waiting) == 1 && _socket.Available == 0;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private void Settle(ushort sequence, Pending pending, IcmpEchoReply reply)
    {
        if (_pending.TryRemove(new KeyValuePair<ushort, Pending>(sequence, pending))) pending.Reply.TrySetResult(reply);
    }

    /// <summary>The sender of an ICMPv6 message, from its sockaddr_in6 (address at bytes 8-23, scope id at 24-27).</summary>
    private static IPAddress SenderV6(SocketAddress from)
    {
        var bytes = from.Buffer.Span;
        return new IPAddress(bytes.Slice(8, 16), MemoryMarshal.Read<uint>(bytes.Slice(24, 4)));
    }

    /// <summary>
    /// Bursts of answers must wait in the socket, not be dropped. SO_RCVBUFFORCE (root) goes past
    /// net.core.rmem_max; without it the kernel caps the plain SO_RCVBUF request.
    /// </summary>
    private void GrowReceiveBuffer()
    {
        try
        {
            _socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(ReceiveBufferBytes));
        }
        catch (SocketException)
        {
            _socket.ReceiveBufferSize = ReceiveBufferBytes;
        }
    }

    /// <summary>
    /// The kernel filters out the ICMP types that cannot answer an echo (echo requests, neighbour
    /// discovery...), so they never take room in the buffer. A set bit blocks a type.
    /// </summary>
    private void ReceiveOnlyAnswers()
    {
        try
        {
            if (_v6)
            {
                var blocked = new uint[8];
                Array.Fill(blocked, uint.MaxValue);
                foreach (var type in new[] { 1, 2, 3, 129 }) blocked[type >> 5] &= ~(1u << (type & 31));
                _socket.SetRawSocketOption(IpProtoIcmpV6, Icmp6Filter, MemoryMarshal.AsBytes(blocked.AsSpan()));
            }
            else
            {
                var blocked = ~((1u << 0) | (1u << 3) | (1u << 11));
                _socket.SetRawSocketOption(SolRaw, IcmpFilter, BitConverter.GetBytes(blocked));
            }
        }
        catch (SocketException)
        {
            // Only an optimisation: without the filter the receive loop skips those types itself.
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _receiver.Join(TimeSpan.FromSeconds(2));
        _socket.Dispose();
        foreach (var pending in _pending.Values) pending.Reply.TrySetCanceled();
    }
}
