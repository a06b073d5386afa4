using System.Globalization;
using System.Net;

namespace BlazorAwsConsole.Probes.Runners.Tls;

/// <summary>The name a client sends as SNI, worded as SslStream words it.</summary>
internal static class ServerNameIndication
{
    /// <summary>
    /// The name in ASCII (an internationalised name as punycode), or null for an IP address, which RFC 6066
    /// does not allow in SNI (SslStream sends none either).
    /// </summary>
    public static string? HostName(string serverName)
    {
        var name = serverName.Trim().Trim('[', ']').TrimEnd('.');
        if (name.Length == 0 || IPAddress.TryParse(name, out _)) return null;
        try
        {
            return new IdnMapping().GetAscii(name);
        }
        catch (ArgumentException)
        {
            return name.All(char.IsAscii) ? name : null;
        }
    }
}
