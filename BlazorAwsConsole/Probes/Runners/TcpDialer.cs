using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>A connected socket and when its phases ended (<see cref="Stopwatch"/> timestamps).</summary>
internal sealed record Dialed(Socket Socket, IPAddress Address, long ResolvedAt, long ConnectedAt);

/// <summary>A dial that failed before any connection attempt: the name did not resolve, or the guard refused it.</summary>
internal sealed class DialRefusedException(string reason) : Exception(reason);

/// <summary>
/// Resolves a host and opens a fresh TCP connection to it for one probe, applying
/// <see cref="TargetGuard"/> to every address the name resolved to, right before connecting — the
/// address checked is the address connected to, whatever the name said at save time.
/// </summary>
internal static class TcpDialer
{
    public static async Task<Dialed> DialAsync(string host, int port, IReadOnlyList<string> allowList, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new DialRefusedException($"cannot resolve {bare}: {ex.Message}");
            }
            if (addresses.Length == 0) throw new DialRefusedException($"cannot resolve {bare}: no addresses");
        }
        var resolvedAt = Stopwatch.GetTimestamp();

        foreach (var address in addresses)
        {
            if (TargetGuard.Refusal(address, allowList) is { } reason)
                throw new DialRefusedException(bare == address.ToString() ? reason : $"{bare} resolves to {reason}");
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new Dialed(socket, address, resolvedAt, Stopwatch.GetTimestamp());
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    public static double Ms(long from, long to) => Math.Round(Stopwatch.GetElapsedTime(from, to).TotalMilliseconds, 3);
}
