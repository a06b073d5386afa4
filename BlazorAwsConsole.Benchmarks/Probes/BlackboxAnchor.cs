using System.Globalization;
using System.Text.RegularExpressions;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// The anchor: Debian's prometheus-blackbox-exporter with its own config (http_2xx, tcp_connect, icmp,
/// dns_a for <see cref="DnsmasqTarget.Name"/>, tcp_tls)
/// on a free loopback port, driven by wrk at the console's concurrency. Its probes/s is wrk's
/// Requests/sec; it stores nothing. Disposing kills it.
/// </summary>
internal sealed partial class BlackboxAnchor : IDisposable
{
    public const int Connections = 32;

    private readonly ChildProcess _exporter;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    private BlackboxAnchor(ChildProcess exporter, int port)
    {
        _exporter = exporter;
        Port = port;
    }

    public int Port { get; }

    public static async Task<BlackboxAnchor> StartAsync(string workDir, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateDirectory(Path.Combine(workDir, "blackbox")).FullName;
        var port = ChildProcess.FreeLoopbackPort();
        var config = Path.Combine(dir, "blackbox.yml");
        // The same checks as the console's tests: a GET expecting 2xx, a bare TCP connect, one ICMP echo
        // (blackbox sends one per probe; the console's ping tests in this benchmark send one too).
        await File.WriteAllTextAsync(config, """
            modules:
              http_2xx:
                prober: http
                timeout: 5s
                http:
                  preferred_ip_protocol: ip4
              tcp_connect:
                prober: tcp
                timeout: 5s
                tcp:
                  preferred_ip_protocol: ip4
              icmp:
                prober: icmp
                timeout: 5s
                icmp:
                  preferred_ip_protocol: ip4
              dns_a:
                prober: dns
                timeout: 5s
                dns:
                  query_name: name.bench.test
                  query_type: A
                  transport_protocol: udp
                  preferred_ip_protocol: ip4
                  valid_rcodes: [NOERROR]
                  validate_answer_rrs:
                    fail_if_none_matches_regexp: ["192\\.0\\.2\\.7"]
              tcp_tls:
                prober: tcp
                timeout: 5s
                tcp:
                  preferred_ip_protocol: ip4
                  tls: true
                  tls_config:
                    insecure_skip_verify: true
                    server_name: localhost
            """, cancellationToken);
        var exporter = ChildProcess.Start("/usr/bin/prometheus-blackbox-exporter",
            $"--config.file={config}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn");
        var anchor = new BlackboxAnchor(exporter, port);
        try
        {
            await exporter.WaitForPortAsync(port, cancellationToken);
            return anchor;
        }
        catch
        {
            anchor.Dispose();
            throw;
        }
    }

    public string ProbeUrl(string module, string target) =>
        $"http://127.0.0.1:{Port}/probe?module={module}&target={Uri.EscapeDataString(target)}";

    /// <summary>One probe by hand: fails unless blackbox reports probe_success 1, so wrk never times errors.</summary>
    public async Task CheckSucceedsAsync(string module, string target, CancellationToken cancellationToken)
    {
        var body = await _http.GetStringAsync(ProbeUrl(module, target), cancellationToken);
        if (!body.Split('\n').Any(line => line.Trim() == "probe_success 1"))
            throw new InvalidOperationException($"blackbox {module} on {target} does not succeed:\n{body}");
    }

    /// <summary>
    /// wrk does not read the bodies, so right after it the same load comes from 32 clients here for a
    /// short while, and each answer is checked: blackbox's failure count at this load (its figure
    /// counts failed probes as done, as the console's does).
    /// </summary>
    public async Task<(long Probes, long Failed)> FailuresUnderLoadAsync(string module, string target, TimeSpan duration, CancellationToken cancellationToken)
    {
        long probes = 0, failed = 0;
        var url = ProbeUrl(module, target);
        var deadline = DateTime.UtcNow + duration;
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { Timeout = TimeSpan.FromSeconds(15) };
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
        {
            while (DateTime.UtcNow < deadline)
            {
                var body = await client.GetStringAsync(url, cancellationToken);
                Interlocked.Increment(ref probes);
                if (!body.Split('\n').Any(line => line.Trim() == "probe_success 1")) Interlocked.Increment(ref failed);
            }
        }));
        return (probes, failed);
    }

    /// <summary>wrk -c 32 -t 2 against the module's /probe URL; returns Requests/sec.</summary>
    public async Task<double> ProbesPerSecondAsync(string module, string target, TimeSpan duration, CancellationToken cancellationToken)
    {
        var output = await ChildProcess.RunAsync("/usr/bin/wrk",
            ["-c", Connections.ToString(CultureInfo.InvariantCulture), "-t", "2", "-d", $"{(int)duration.TotalSeconds}s", ProbeUrl(module, target)],
            cancellationToken);
        if (NonSuccess().Match(output) is { Success: true } bad)
            throw new InvalidOperationException($"blackbox answered {bad.Groups[1].Value} non-2xx responses:\n{output}");
        var rate = RequestsPerSecond().Match(output);
        if (!rate.Success) throw new InvalidOperationException($"no Requests/sec in wrk's output:\n{output}");
        return double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    public void Dispose()
    {
        _http.Dispose();
        _exporter.Dispose();
    }
}
