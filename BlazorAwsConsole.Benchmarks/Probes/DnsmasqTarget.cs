namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// The DNS target: Debian's dnsmasq on a free loopback port, authoritative for its own zone with one
/// A record (<see cref="Name"/> → 192.0.2.7), no upstream, no log. Disposing kills it.
/// </summary>
internal sealed class DnsmasqTarget : IDisposable
{
    public const string Name = "name.bench.test";
    public const string Address = "192.0.2.7";

    private readonly ChildProcess _dnsmasq;

    private DnsmasqTarget(ChildProcess dnsmasq, int port)
    {
        _dnsmasq = dnsmasq;
        Port = port;
    }

    public int Port { get; }

    public string Resolver => $"127.0.0.1:{Port}";

    public static async Task<DnsmasqTarget> StartAsync(CancellationToken cancellationToken)
    {
        var port = ChildProcess.FreeLoopbackPort();
        var dnsmasq = ChildProcess.Start("/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--pid-file=", "--user=root",
            $"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--log-facility=-",
            "--local=/bench.test/", "--auth-server=ns.bench.test", "--auth-zone=bench.test", $"--host-record={Name},{Address}");
        var target = new DnsmasqTarget(dnsmasq, port);
        try
        {
            // dnsmasq also listens on TCP: its port opening says the UDP side is up too.
            await dnsmasq.WaitForPortAsync(port, cancellationToken);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    public void Dispose() => _dnsmasq.Dispose();
}
