using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A loopback TCP proxy in front of one server (a node's PostgreSQL connection goes through it), which a test can cut:
/// <see cref="Cut"/> stops listening (new connections are refused) and resets every live connection, as when a network
/// link or a firewall drops a node's database; <see cref="Restore"/> listens again on the same port.
/// </summary>
public sealed class CuttableTcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _upstream;
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly CancellationTokenSource _disposing = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public CuttableTcpProxy(int upstreamPort)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstreamPort);
        Port = LoopbackPort.Free();
        Restore();
    }

    /// <summary>The loopback port to connect to instead of the server's.</summary>
    public int Port { get; }

    public bool IsCut => _listener is null;

    /// <summary>Refuses new connections and drops the live ones (RST, so neither end waits for a polite close).</summary>
    public void Cut()
    {
        lock (_pairs)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var (client, server) in _pairs)
            {
                Reset(client);
                Reset(server);
            }
            _pairs.Clear();
        }
    }

    /// <summary>Listens again: new connections pass through to the server.</summary>
    public void Restore()
    {
        lock (_pairs)
        {
            if (_listener is not null) return;
            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _accepting = AcceptAsync(listener);
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_disposing.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(_disposing.Token); }
            catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { return; }
            _ = PassAsync(client, listener);
        }
    }

    private async Task PassAsync(TcpClient client, TcpListener acceptedBy)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_upstream, _disposing.Token);
        }
        catch (Exception)
        {
            Reset(client);
            server.Dispose();
            return;
        }
        lock (_pairs)
        {
            // Cut while connecting: this connection belongs to the link that was cut.
            if (!ReferenceEquals(_listener, acceptedBy))
            {
                Reset(client);
                Reset(server);
                return;
            }
            _pairs.Add((client, server));
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token);
        await Task.WhenAny(CopyAsync(client, server, stop.Token), CopyAsync(server, client, stop.Token));
        await stop.CancelAsync();
        lock (_pairs) _pairs.Remove((client, server));
        client.Dispose();
        server.Dispose();
    }

    private static async Task CopyAsync(TcpClient from, TcpClient to, CancellationToken cancellationToken)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), cancellationToken);
            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The other side went, or the link was cut.
        }
    }

    private static void Reset(TcpClient connection)
    {
        try
        {
            connection.Client.LingerState = new LingerOption(true, 0);
            connection.Client.Close();
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
        }
        connection.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        Cut();
        await _accepting;
        _disposing.Dispose();
    }
}
