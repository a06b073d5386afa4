using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>
/// The shared raw ICMP socket over a real multi-hop path (root → router → far host): errors from a
/// router are matched to the echo that caused them, and replies to someone else's echoes are not
/// taken for ours.
/// </summary>
public sealed class IcmpEchoClientTests(NetworkNamespacesFixture fixture) : IClassFixture<NetworkNamespacesFixture>, IDisposable
{
    private readonly IcmpEchoClient _icmp = new(NullLogger<IcmpEchoClient>.Instance);
    private static readonly IPAddress Loopback = IPAddress.Loopback;

    private NetworkNamespaces Net => fixture.Net;

    public void Dispose() => _icmp.Dispose();

    [Fact]
    public void As_root_both_families_use_the_shared_raw_socket()
    {
        _icmp.UsesRawSocket(AddressFamily.InterNetwork).Should().BeTrue();
        _icmp.UsesRawSocket(AddressFamily.InterNetworkV6).Should().BeTrue();
    }

    [Fact]
    public async Task Echoes_with_different_ttls_sent_at_once_each_get_their_own_answer()
    {
        var far = IPAddress.Parse(Net.FarAddress);
        // 16 TTL-exceeded at once stay under the router's ICMP burst allowance (50), so none is rate-limited away.
        var replies = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            _icmp.SendAsync(far, i % 2 == 0 ? 1 : 64, false, 32, TimeSpan.FromSeconds(3), default))));

        for (var i = 0; i < replies.Length; i++)
        {
            if (i % 2 == 0)
            {
                replies[i].Status.Should().Be(IPStatus.TtlExpired, "echo {0} had TTL 1", i);
                replies[i].From.Should().Be(IPAddress.Parse(Net.RouterAddress));
            }
            else
            {
                replies[i].Status.Should().Be(IPStatus.Success, "echo {0} had TTL 64", i);
                replies[i].From.Should().Be(far);
            }
            replies[i].RttMs.Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public async Task A_router_that_drops_the_echo_gives_a_timeout_and_ttl_2_reaches_the_far_host()
    {
        var dropped = await _icmp.SendAsync(IPAddress.Parse(Net.DroppedAddress), 64, false, 32, TimeSpan.FromMilliseconds(300), default);
        dropped.Status.Should().Be(IPStatus.TimedOut);
        dropped.From.Should().BeNull();

        var reached = await _icmp.SendAsync(IPAddress.Parse(Net.FarAddress), 2, false, 32, TimeSpan.FromSeconds(3), default);
        reached.Status.Should().Be(IPStatus.Success);
        reached.From.Should().Be(IPAddress.Parse(Net.FarAddress));
    }

    [Fact]
    public async Task A_reply_to_another_identifier_with_our_sequence_number_is_not_ours()
    {
        // A second raw socket plays the other process: it sees our echo to loopback (raw sockets get
        // every ICMP packet), which tells our identifier and sequence number.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp) { ReceiveTimeout = 5000, ReceiveBufferSize = 4 << 20 };
        const int MarkerPayload = 777;
        (await _icmp.SendAsync(Loopback, 64, false, MarkerPayload, TimeSpan.FromSeconds(3), default)).Status.Should().Be(IPStatus.Success);
        var (identifier, sequence) = SniffEchoRequest(other, MarkerPayload);

        // Our next echo (sequence + 1) goes where nothing answers; the other socket pings loopback
        // with another identifier and that same sequence number, and the kernel answers it.
        var ours = _icmp.SendAsync(IPAddress.Parse(Net.DroppedAddress), 64, false, 32, TimeSpan.FromSeconds(1), default);
        for (var i = 0; i < 3; i++) other.SendTo(IcmpPacket.EchoRequest(false, (ushort)(identifier ^ 0x5A5A), (ushort)(sequence + 1), 32), new IPEndPoint(Loopback, 0));
        (await ours).Status.Should().Be(IPStatus.TimedOut, "the loopback replies carried another identifier");

        // The control: the same trick with our identifier is taken for ours, so the replies above did reach the client.
        var next = _icmp.SendAsync(IPAddress.Parse(Net.DroppedAddress), 64, false, 32, TimeSpan.FromSeconds(5), default);
        other.SendTo(IcmpPacket.EchoRequest(false, identifier, (ushort)(sequence + 2), 32), new IPEndPoint(Loopback, 0));
        var taken = await next;
        taken.Status.Should().Be(IPStatus.Success);
        taken.From.Should().Be(Loopback);
    }

    [Fact]
    public async Task Iputils_ping_running_beside_us_does_not_disturb_our_echoes()
    {
        using var ping = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ping", ["-c", "20", "-i", "0.01", "-q", "127.0.0.1"])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        var dropped = _icmp.SendAsync(IPAddress.Parse(Net.DroppedAddress), 64, false, 32, TimeSpan.FromSeconds(1), default);
        var loopback = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _icmp.SendAsync(Loopback, 64, false, 32, TimeSpan.FromSeconds(3), default)));
        var output = await ping.StandardOutput.ReadToEndAsync();
        await ping.WaitForExitAsync();

        (await dropped).Status.Should().Be(IPStatus.TimedOut);
        loopback.Should().OnlyContain(r => r.Status == IPStatus.Success);
        // iputils' own count is its business (its own raw socket can drop under load, the very
        // problem the shared socket solves for us); it ran and was answered.
        output.Should().MatchRegex(@"20 packets transmitted, [1-9]\d* received");
    }

    /// <summary>The identifier and sequence number of the echo request to loopback with the given payload size.</summary>
    private static (ushort Identifier, ushort Sequence) SniffEchoRequest(Socket socket, int payloadBytes)
    {
        var buffer = new byte[65536];
        while (true)
        {
            var length = socket.Receive(buffer);
            var ihl = (buffer[0] & 0x0F) * 4;
            if (buffer[ihl] == 8 && length == ihl + 8 + payloadBytes)
                return (BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ihl + 4)), BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ihl + 6)));
        }
    }
}
