using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>Resolves a ping or traceroute target to one address (IPv4 first: that is what ping does by default).</summary>
internal static class IcmpTarget
{
    public static async Task<IPAddress?> ResolveAsync(string target, CancellationToken cancellationToken)
    {
        var bare = target.Trim().Trim('[', ']');
        if (IPAddress.TryParse(bare, out var literal)) return literal;
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
