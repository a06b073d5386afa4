using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A free loopback port for a server a test starts (moto, PostgreSQL, nginx, a console process, a target). Linked into
/// BlazorAwsConsole.Benchmarks with ConsoleProcess.
/// </summary>
/// <remarks>
/// Taken below the kernel's ephemeral range, each port once per process. A port the kernel picked (bind to port 0)
/// and released again would be a race: a server that binds it seconds later (moto, PostgreSQL and console processes
/// start slowly) could find it taken by an in-process Kestrel that meanwhile bound port 0 and got the same one, and
/// whoever asked the port would then talk to that Kestrel instead (a fresh-clone run once read a console's sign-in
/// page as moto's DescribeImages answer). Ports the kernel hands out are never below its range.
/// </remarks>
public static class LoopbackPort
{
    private static readonly (int First, int End) Range = BelowEphemeral();
    private static int _next = Random.Shared.Next(Range.End - Range.First);

    public static int Free()
    {
        for (var attempt = 0; attempt < Range.End - Range.First; attempt++)
        {
            var port = Range.First + (int)((uint)Interlocked.Increment(ref _next) % (uint)(Range.End - Range.First));
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Something on this machine listens there already: the next one.
            }
        }
        throw new InvalidOperationException($"no free loopback port in {Range.First}-{Range.End - 1}");
    }

    /// <summary>From 10000 up to where the kernel's ephemeral ports begin (ip_local_port_range; 32768 by default).</summary>
    private static (int First, int End) BelowEphemeral()
    {
        var ephemeralFirst = 32768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            ephemeralFirst = int.Parse(range[0]);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
        }
        return ephemeralFirst > 12000 ? (10000, ephemeralFirst) : (1024, ephemeralFirst);
    }
}
