using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>
/// The soak's TCP target, which knows which test connected: test i dials its own loopback address
/// (127.1.x.y, from <see cref="AddressOf"/>; all of 127.0.0.0/8 is this machine), all on one port, so the accepted
/// socket's local address names the test without 10,000 listeners. It listens on every address for that (an address
/// of 127/8 reaches only a socket bound to it or to any), and refuses a peer that is not on loopback. Each connection
/// is closed at once and recorded with its time; the soak maps it to a scheduled run afterwards.
/// </summary>
internal sealed class SoakTarget : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _accepting;

    private SoakTarget(Socket listener)
    {
        _listener = listener;
        // A few accepts at once, so a burst of due tests never waits on this process's scheduling.
        _accepting = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(AcceptAsync))];
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Every accepted connection: the test's index and when (UTC ticks).</summary>
    public ConcurrentQueue<(int Test, long AtTicks)> Hits { get; } = new();

    /// <summary>Forgets the connections so far (between the capacity search's steps, which reuse the test indexes).</summary>
    public void Forget() => Hits.Clear();

    public static SoakTarget Start()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 0));
        listener.Listen(4096);
        return new SoakTarget(listener);
    }

    /// <summary>Test i (1 ≤ i &lt; 2^24) → 127.a.b.c with a.b.c = i + 2^16, so never 127.0.x.x.</summary>
    public static string AddressOf(int test)
    {
        var n = test + (1 << 16);
        return $"127.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    private static int TestOf(IPAddress local)
    {
        var bytes = local.MapToIPv4().GetAddressBytes();
        return bytes[0] == 127 ? ((bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) - (1 << 16) : -1;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            using (client)
            {
                if (client.RemoteEndPoint is IPEndPoint { Address: var peer } && IPAddress.IsLoopback(peer)
                    && client.LocalEndPoint is IPEndPoint local && TestOf(local.Address) is > 0 and var test)
                {
                    Hits.Enqueue((test, DateTime.UtcNow.Ticks));
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        try { Task.WaitAll(_accepting, TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
