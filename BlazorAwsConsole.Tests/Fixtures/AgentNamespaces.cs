using System.Diagnostics;
using System.Security.Cryptography;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// Two probe-agent sites as network namespaces, and a private service only one of them reaches (needs root and
/// iproute2, as <see cref="NetworkNamespaces"/>):
/// <code>
/// root (console) ──La── site-a ──Ls── service      La = 10.213.B.0/24, Ls = 10.213.B+2.0/24
///        └────────Lb── site-b                      Lb = 10.213.B+1.0/24
/// </code>
/// The console listens on <see cref="ConsoleAddressForA"/> and <see cref="ConsoleAddressForB"/> (the root side of each
/// link); the service answers HTTP on <see cref="ServiceUrl"/>. Site b has no route to the service's subnet at all, as
/// a VPC without a peering has none: its requests fail at once ("network unreachable"). Root forwards nothing between
/// the sites. Names and subnets are unique per instance; everything is deleted on dispose (and leftovers of dead test
/// processes at start).
/// </summary>
public sealed class AgentNamespaces : IAsyncDisposable
{
    private const string Prefix = "baag-";
    private const int ServicePort = 8080;
    private readonly string _name;
    private readonly int _b;
    private readonly List<string> _namespaces = [];
    private Process? _service;
    private readonly DirectoryInfo _served = Directory.CreateTempSubdirectory("bac-agent-site-");

    private AgentNamespaces(string name, int b)
    {
        _name = name;
        _b = b;
    }

    public string SiteA => $"{_name}-a";
    public string SiteB => $"{_name}-b";
    private string ServiceNamespace => $"{_name}-s";
    public string ConsoleAddressForA => $"10.213.{_b}.1";
    public string ConsoleAddressForB => $"10.213.{_b + 1}.1";
    public string ServiceUrl => $"http://10.213.{_b + 2}.2:{ServicePort}/";

    public static async Task<AgentNamespaces> CreateAsync()
    {
        await NetworkNamespaces.DeleteLeftoversAsync(Prefix);
        var id = RandomNumberGenerator.GetHexString(6, lowercase: true);
        var sites = new AgentNamespaces($"{Prefix}{Environment.ProcessId}-{id}", await NetworkNamespaces.FreeBlockAsync());
        try
        {
            await sites.BuildAsync(id);
            return sites;
        }
        catch (Exception ex)
        {
            await sites.DisposeAsync();
            throw new InvalidOperationException($"cannot build the agents' network namespaces (they need root and iproute2): {ex.Message}", ex);
        }
    }

    private async Task BuildAsync(string id)
    {
        foreach (var ns in new[] { SiteA, SiteB, ServiceNamespace })
        {
            await NetworkNamespaces.Ip("netns", "add", ns);
            _namespaces.Add(ns);
            await NetworkNamespaces.Ip("-n", ns, "link", "set", "lo", "up");
        }
        var b = _b;
        await NetworkNamespaces.Link(null, $"ag{id}a", SiteA, "eth-root", $"10.213.{b}.1/24", $"10.213.{b}.2/24");
        await NetworkNamespaces.Link(null, $"ag{id}b", SiteB, "eth-root", $"10.213.{b + 1}.1/24", $"10.213.{b + 1}.2/24");
        await NetworkNamespaces.Link(SiteA, "eth-svc", ServiceNamespace, "eth-a", $"10.213.{b + 2}.1/24", $"10.213.{b + 2}.2/24");
        // The service answers site a (its only link); site b knows only its own link to the console.
        await NetworkNamespaces.Ip("-n", ServiceNamespace, "route", "add", "default", "via", $"10.213.{b + 2}.1");

        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", ServiceNamespace, "python3", "-m", "http.server", $"{ServicePort}", "--bind", $"10.213.{b + 2}.2", "--directory", _served.FullName })
            start.ArgumentList.Add(arg);
        _service = Process.Start(start) ?? throw new InvalidOperationException("python3's http.server did not start");
        _service.OutputDataReceived += (_, _) => { };
        _service.ErrorDataReceived += (_, _) => { };
        _service.BeginOutputReadLine();
        _service.BeginErrorReadLine();
        // Ready when site a gets an answer from it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await NetworkNamespaces.Run("ip", "netns", "exec", SiteA, "python3", "-c",
                    $"import urllib.request; urllib.request.urlopen('{ServiceUrl}', timeout=2)");
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline && !_service.HasExited)
            {
                await Task.Delay(300);
            }
        }
    }

    /// <summary>A command run inside <paramref name="ns"/> (`ip netns exec NS …`): the probe agent of that site.</summary>
    public static ProcessStartInfo Inside(string ns, ProcessStartInfo command)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = command.RedirectStandardOutput, RedirectStandardError = command.RedirectStandardError,
            UseShellExecute = false, WorkingDirectory = command.WorkingDirectory,
        };
        foreach (var arg in new[] { "netns", "exec", ns, command.FileName }.Concat(command.ArgumentList)) start.ArgumentList.Add(arg);
        foreach (var (key, value) in command.Environment) start.Environment[key] = value;
        return start;
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is { HasExited: false })
        {
            _service.Kill(entireProcessTree: true);
            await _service.WaitForExitAsync();
        }
        _service?.Dispose();
        _served.Delete(recursive: true);
        foreach (var ns in _namespaces)
        {
            try { await NetworkNamespaces.Ip("netns", "delete", ns); } catch (InvalidOperationException) { }
        }
        _namespaces.Clear();
    }
}
