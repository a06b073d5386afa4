using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A real DNS server: Debian's dnsmasq on 127.0.0.1, a free port (UDP and TCP), answering only its own
/// zone <c>zone.test</c> (authoritative, so unknown names are NXDOMAIN and names outside are REFUSED),
/// plus a UDP port that swallows queries and never answers (<see cref="SilentPort"/>) for timeouts.
/// <code>
/// name.zone.test    A     192.0.2.7        multi.zone.test  A 192.0.2.1, 192.0.2.2; AAAA 2001:db8::1
/// www.zone.test     CNAME name.zone.test   zone.test        MX 10 mail.zone.test; TXT "v=spf1 -all";
/// _sip._tcp.zone.test SRV 10 20 5060 sip.zone.test           CAA 0 issue "letsencrypt.org"; SOA
/// 7.2.0.192.in-addr.arpa PTR name.zone.test
/// many.zone.test    A     198.51.100.1 … 198.51.100.250 (250 records: more than a UDP answer holds)
/// long.zone.test    TXT   one record of 250 strings of 255 "x" (63,750 characters, a 64 KB answer over TCP)
/// </code>
/// </summary>
public sealed class DnsmasqServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Socket _silent;
    private readonly List<string> _log = [];

    private DnsmasqServer(Process process, int port, Socket silent)
    {
        _process = process;
        Port = port;
        _silent = silent;
    }

    public int Port { get; }
    public string Resolver => $"127.0.0.1:{Port}";
    /// <summary>A bound UDP port that reads nothing and answers nothing.</summary>
    public int SilentPort => ((IPEndPoint)_silent.LocalEndPoint!).Port;
    public string SilentResolver => $"127.0.0.1:{SilentPort}";

    /// <summary>The dnsmasq arguments of the zone (also used to make the SSM captures).</summary>
    public static string[] ZoneArguments(int port) =>
    [
        "--no-daemon", "--conf-file=/dev/null", "--pid-file=", "--user=root", "--port=" + port, "--listen-address=127.0.0.1",
        "--bind-interfaces", "--no-resolv", "--no-hosts", "--log-facility=-", "--local=/zone.test/",
        "--auth-server=ns.zone.test", "--auth-zone=zone.test",
        "--host-record=name.zone.test,192.0.2.7",
        "--host-record=multi.zone.test,192.0.2.1,2001:db8::1", "--host-record=multi.zone.test,192.0.2.2",
        "--cname=www.zone.test,name.zone.test",
        "--mx-host=zone.test,mail.zone.test,10",
        "--txt-record=zone.test,v=spf1 -all",
        "--srv-host=_sip._tcp.zone.test,sip.zone.test,5060,10,20",
        "--caa-record=zone.test,0,issue,letsencrypt.org",
        "--ptr-record=7.2.0.192.in-addr.arpa,name.zone.test",
        // Hostile sizes, for the caps on what a run stores (a resolver may answer anything).
        .. Enumerable.Range(1, ManyRecords).Select(i => $"--host-record=many.zone.test,198.51.100.{i}"),
        "--txt-record=long.zone.test," + string.Join(',', Enumerable.Repeat(new string('x', 255), LongTxtStrings)),
    ];

    /// <summary>The A records of many.zone.test.</summary>
    public const int ManyRecords = 250;
    /// <summary>The 255-character strings of long.zone.test's one TXT record.</summary>
    public const int LongTxtStrings = 250;

    public static async Task<DnsmasqServer> StartAsync()
    {
        if (!File.Exists("/usr/sbin/dnsmasq")) throw new InvalidOperationException("dnsmasq is not installed: apt-get install dnsmasq-base (test.sh does)");
        var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        for (var attempt = 0; ; attempt++)
        {
            var port = FreeUdpAndTcpPort();
            var start = new ProcessStartInfo("/usr/sbin/dnsmasq") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in ZoneArguments(port)) start.ArgumentList.Add(argument);
            var process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start");
            var server = new DnsmasqServer(process, port, silent);
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._log) server._log.Add(e.Data); };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (await server.ReadyAsync()) return server;
            // Another process took the port between the check and dnsmasq's bind: try another one.
            await server.StopAsync();
            if (attempt == 4) throw new InvalidOperationException("dnsmasq did not start: " + server.Log);
        }
    }

    public string Log { get { lock (_log) return string.Join('\n', _log); } }

    private async Task<bool> ReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }

    private static int FreeUdpAndTcpPort()
    {
        while (true)
        {
            var port = LoopbackPort.Free();
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) { /* the UDP side is taken: another */ }
        }
    }

    private Task StopAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        return _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        _silent.Dispose();
    }
}
