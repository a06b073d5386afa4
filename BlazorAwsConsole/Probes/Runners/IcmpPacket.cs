using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// ICMP and ICMPv6 echo requests and the replies that answer them, byte by byte (RFC 792, RFC 4443).
/// An error (time exceeded, unreachable, packet too big) carries the start of the packet that
/// caused it: its IP header and the first 8 bytes of our echo, identifier and sequence included.
/// </summary>
internal static class IcmpPacket
{
    private const byte EchoRequestV4 = 8, EchoReplyV4 = 0, UnreachableV4 = 3, TimeExceededV4 = 11;
    private const byte UnreachableV6 = 1, PacketTooBigV6 = 2, TimeExceededV6 = 3, EchoRequestV6 = 128, EchoReplyV6 = 129;
    private const byte IcmpProtocol = 1, IcmpV6NextHeader = 58;

    /// <summary>What a received message answers: our echo (identifier, sequence), how, and for errors where the echo was going.</summary>
    public readonly record struct Answer(ushort Identifier, ushort Sequence, IPStatus Status, IPAddress? OriginalDestination);

    public static byte[] EchoRequest(bool v6, ushort identifier, ushort sequence, int payloadBytes)
    {
        var packet = new byte[8 + payloadBytes];
        packet[0] = v6 ? EchoRequestV6 : EchoRequestV4;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        // The same filler iputils' ping uses, so a capture looks familiar.
        for (var i = 8; i < packet.Length; i++) packet[i] = (byte)(i - 8);
        // ICMPv6's checksum covers a pseudo-header with addresses only the kernel knows; Linux fills it in for raw ICMPv6 sockets.
        if (!v6) BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    /// <summary>The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)(data[i] << 8);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>An IPv4 raw socket receives the IP header first; its length is in IHL (32-bit words).</summary>
    public static bool TryReadV4(ReadOnlySpan<byte> datagram, out Answer answer, out IPAddress? from)
    {
        answer = default;
        from = null;
        if (datagram.Length < 20 || datagram[0] >> 4 != 4) return false;
        var ihl = (datagram[0] & 0x0F) * 4;
        if (ihl < 20 || datagram.Length < ihl + 8) return false;
        var icmp = datagram[ihl..];
        var type = icmp[0];
        var code = icmp[1];
        if (type == EchoReplyV4)
        {
            answer = new Answer(ReadId(icmp), ReadSeq(icmp), IPStatus.Success, null);
        }
        else if (type is TimeExceededV4 or UnreachableV4)
        {
            var inner = icmp[8..];
            if (inner.Length < 20 || inner[0] >> 4 != 4 || inner[9] != IcmpProtocol) return false;
            var innerIhl = (inner[0] & 0x0F) * 4;
            if (innerIhl < 20 || inner.Length < innerIhl + 8 || inner[innerIhl] != EchoRequestV4) return false;
            var echo = inner[innerIhl..];
            answer = new Answer(ReadId(echo), ReadSeq(echo), StatusV4(type, code), new IPAddress(inner.Slice(16, 4)));
        }
        else return false;
        from = new IPAddress(datagram.Slice(12, 4));
        return true;
    }

    /// <summary>An ICMPv6 raw socket receives the message without the IPv6 header; the sender comes with the datagram.</summary>
    public static bool TryReadV6(ReadOnlySpan<byte> message, out Answer answer)
    {
        answer = default;
        if (message.Length < 8) return false;
        var type = message[0];
        var code = message[1];
        if (type == EchoReplyV6)
        {
            answer = new Answer(ReadId(message), ReadSeq(message), IPStatus.Success, null);
            return true;
        }
        if (type is not (UnreachableV6 or PacketTooBigV6 or TimeExceededV6)) return false;
        // 8 bytes of ICMPv6 header, the 40-byte IPv6 header of our echo, then our echo's first 8 bytes.
        var inner = message[8..];
        if (inner.Length < 48 || inner[0] >> 4 != 6 || inner[6] != IcmpV6NextHeader || inner[40] != EchoRequestV6) return false;
        var echo = inner[40..];
        answer = new Answer(ReadId(echo), ReadSeq(echo), StatusV6(type, code), new IPAddress(inner.Slice(24, 16)));
        return true;
    }

    private static ushort ReadId(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]);

    private static ushort ReadSeq(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);

    private static IPStatus StatusV4(byte type, byte code) => type == TimeExceededV4
        ? code == 0 ? IPStatus.TtlExpired : IPStatus.TtlReassemblyTimeExceeded
        : code switch
        {
            0 => IPStatus.DestinationNetworkUnreachable,
            1 => IPStatus.DestinationHostUnreachable,
            2 => IPStatus.DestinationProtocolUnreachable,
            3 => IPStatus.DestinationPortUnreachable,
            4 => IPStatus.PacketTooBig,
            _ => IPStatus.DestinationUnreachable,
        };

    private static IPStatus StatusV6(byte type, byte code) => type switch
    {
        TimeExceededV6 => code == 0 ? IPStatus.TtlExpired : IPStatus.TtlReassemblyTimeExceeded,
        PacketTooBigV6 => IPStatus.PacketTooBig,
        _ => code switch
        {
            0 => IPStatus.DestinationNetworkUnreachable,
            1 => IPStatus.DestinationProhibited,
            3 => IPStatus.DestinationHostUnreachable,
            4 => IPStatus.DestinationPortUnreachable,
            _ => IPStatus.DestinationUnreachable,
        },
    };
}
