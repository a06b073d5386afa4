using System.Net.Sockets;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>
/// Notification endpoints (webhook and Slack URLs, SMTP hosts) are fetched on a user's behalf like test
/// targets, so they pass the same link-local guard (<see cref="TargetGuard"/>, allow-list
/// <c>Probes:LinkLocalAllowList</c>): refused on save, and again on the address each send connects to,
/// so a name that later resolves to the metadata service is still refused.
/// </summary>
public sealed class EndpointGuard(IOptionsMonitor<ProbeOptions> options)
{
    private IReadOnlyList<string> AllowList => options.CurrentValue.LinkLocalAllowList;

    /// <summary>Null when the endpoint (host, IP or http(s) URL) may be used, else the reason for its field.</summary>
    public Task<string?> CheckAsync(string endpoint, CancellationToken cancellationToken) =>
        TargetGuard.CheckAsync(endpoint, AllowList, cancellationToken);

    /// <summary>A connected socket to <paramref name="host"/> whose address passed the guard.</summary>
    public async Task<Socket> DialAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            return (await TcpDialer.DialAsync(host, port, AllowList, cancellationToken)).Socket;
        }
        catch (DialRefusedException ex)
        {
            throw new ChannelSendException(ex.Message, ex);
        }
    }

    /// <summary>For <see cref="SocketsHttpHandler.ConnectCallback"/>: every connection the client opens is dialled through the guard.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        try
        {
            var dialed = await TcpDialer.DialAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, AllowList, cancellationToken);
            return new NetworkStream(dialed.Socket, ownsSocket: true);
        }
        catch (DialRefusedException ex)
        {
            // HttpPost turns this into the delivery's reason ("hooks.example: ConnectionError: … is link-local …").
            throw new HttpRequestException(HttpRequestError.ConnectionError, ex.Message, ex);
        }
    }
}
