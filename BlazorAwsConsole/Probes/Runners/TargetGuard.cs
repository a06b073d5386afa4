using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// The safety rule for HTTP and port tests: a target on a link-local address (169.254.0.0/16, which
/// holds the instance metadata service, fe80::/10, their IPv4-mapped forms, and EC2's IPv6 metadata
/// address fd00:ec2::254 and its time service fd00:ec2::123) is refused unless the allow-list (<c>Probes:LinkLocalAllowList</c>, IPs or
/// CIDRs) names it. Checked when a test is saved (<see cref="CheckAsync"/>) and again by the runners
/// on the address they actually connect to, so a name that later resolves elsewhere (DNS rebinding)
/// is still refused.
/// </summary>
public static class TargetGuard
{
    private static readonly IPAddress Ec2MetadataV6 = IPAddress.Parse("fd00:ec2::254");
    private static readonly IPAddress Ec2TimeV6 = IPAddress.Parse("fd00:ec2::123");
    private static readonly IPAddress Ec2MetadataV4 = IPAddress.Parse("169.254.169.254");

    /// <summary>
    /// Null when the target may be probed, else the reason to show on the target field. Accepts a host
    /// name, an IP address or an absolute http(s) URL. A name that does not resolve is not refused
    /// here (the run reports it); every address it resolves to must pass.
    /// </summary>
    public static async Task<string?> CheckAsync(string hostOrIp, IReadOnlyList<string> allowList, CancellationToken cancellationToken)
    {
        var host = HostOf(hostOrIp);
        if (host.Length == 0) return null;
        if (IPAddress.TryParse(host, out var literal)) return Refusal(literal, allowList);

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return null;
        }
        foreach (var address in addresses)
        {
            if (Refusal(address, allowList) is { } reason) return $"{host} resolves to {reason}";
        }
        return null;
    }

    /// <summary>Null when <paramref name="address"/> may be connected to, else why not.</summary>
    public static string? Refusal(IPAddress address, IReadOnlyList<string> allowList)
    {
        var normal = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (!IsLinkLocal(normal) || IsAllowed(normal, allowList)) return null;
        var what = normal.Equals(Ec2MetadataV4) || normal.Equals(Ec2MetadataV6)
            ? "link-local (the instance metadata service)"
            : normal.Equals(Ec2TimeV6) ? "link-local (the EC2 time service)" : "link-local";
        return $"{normal} is {what}; add it to Probes:LinkLocalAllowList to allow it";
    }

    public static bool IsLinkLocal(IPAddress address)
    {
        var normal = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (normal.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = normal.GetAddressBytes();
            return bytes[0] == 169 && bytes[1] == 254;
        }
        // IsIPv6LinkLocal is fe80::/10; EC2's IPv6 metadata and time services sit on unique-local
        // addresses but are the same per-instance services as their 169.254 twins.
        return normal.IsIPv6LinkLocal || normal.Equals(Ec2MetadataV6) || normal.Equals(Ec2TimeV6);
    }

    /// <summary>An allow-list entry is an IP address or a CIDR (for the settings' validation).</summary>
    public static bool IsValidAllowListEntry(string entry) =>
        IPAddress.TryParse(entry.Trim(), out _) || IPNetwork.TryParse(entry.Trim(), out _);

    private static bool IsAllowed(IPAddress address, IReadOnlyList<string> allowList)
    {
        foreach (var raw in allowList)
        {
            var entry = raw.Trim();
            if (IPAddress.TryParse(entry, out var allowed))
            {
                if (allowed.IsIPv4MappedToIPv6) allowed = allowed.MapToIPv4();
                // fe80::1%eth0 and fe80::1 name the same host for this purpose.
                if (allowed.AddressFamily == AddressFamily.InterNetworkV6 && allowed.ScopeId != 0) allowed = new IPAddress(allowed.GetAddressBytes());
                var bare = address.AddressFamily == AddressFamily.InterNetworkV6 ? new IPAddress(address.GetAddressBytes()) : address;
                if (allowed.Equals(bare)) return true;
            }
            else if (IPNetwork.TryParse(entry, out var network) && network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    private static string HostOf(string target)
    {
        var trimmed = target.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri.IdnHost.Trim('[', ']');
        return trimmed.Trim('[', ']');
    }
}
