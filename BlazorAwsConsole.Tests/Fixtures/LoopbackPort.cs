using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>A free loopback port (the OS picks it). Linked into BlazorAwsConsole.Benchmarks with ConsoleProcess.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
