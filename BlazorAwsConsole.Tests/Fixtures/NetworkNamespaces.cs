using System.Diagnostics;
using System.Security.Cryptography;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A real multi-hop IPv4 path for traceroute and ping tests, built with network namespaces (needs
/// root and iproute2; test.sh installs iproute2). The test process's own (root) namespace is the
/// client:
/// <code>
/// root ──L1── router1 ──L2── far          L1 = 10.213.B.0/24, L2 = 10.213.B+1.0/24
///   └───L3── router2 ──L4───┘             L3 = 10.213.B+2.0/24, L4 = 10.213.B+3.0/24
/// </code>
/// The root namespace routes the far subnet (L2) through router1 until <see cref="UseSecondRouterAsync"/>
/// switches it through router2 (the far host answers on both sides). <see cref="UnreachableAddress"/>
/// is inside L2 and held by no host; <see cref="DroppedAddress"/> is blackholed by router1 (packets
/// vanish without an answer, as a firewall DROP does). Names and subnets are unique per instance;
/// everything is deleted on dispose, and namespaces left by dead test processes are deleted at start.
/// If namespaces cannot be made this throws with a message saying why: tests fail, never skip.
/// </summary>
public sealed class NetworkNamespaces : IAsyncDisposable
{
    private const string Prefix = "bacn-";
    private readonly string _name;
    private readonly int _b;
    private readonly List<string> _namespaces = [];

    private NetworkNamespaces(string name, int b)
    {
        _name = name;
        _b = b;
    }

    public string RouterAddress => $"10.213.{_b}.2";
    public string SecondRouterAddress => $"10.213.{_b + 2}.2";
    public string FarAddress => $"10.213.{_b + 1}.2";
    public string UnreachableAddress => $"10.213.{_b + 1}.99";
    public string DroppedAddress => $"10.213.{_b + 1}.200";
    /// <summary>
    /// A link-local address held by the root namespace itself (on this fixture's veth), so the
    /// link-local guard can be tested end to end: a listener there is ours, whatever the guard does.
    /// </summary>
    public string LinkLocalAddress => $"169.254.213.{_b + 1}";
    private string FarSubnet => $"10.213.{_b + 1}.0/24";

    public static async Task<NetworkNamespaces> CreateAsync()
    {
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
            throw new InvalidOperationException("the traceroute tests need iproute2's `ip` (./test.sh installs it: apt-get install iproute2)");
        await DeleteLeftoversAsync();

        var id = RandomNumberGenerator.GetHexString(6, lowercase: true);
        var b = await FreeBlockAsync();
        var net = new NetworkNamespaces($"{Prefix}{Environment.ProcessId}-{id}", b);
        try
        {
            await net.BuildAsync(id);
            return net;
        }
        catch (Exception ex)
        {
            await net.DisposeAsync();
            throw new InvalidOperationException(
                $"cannot build the network namespaces for the traceroute tests (they need root, or CAP_NET_ADMIN and CAP_SYS_ADMIN, and iproute2): {ex.Message}", ex);
        }
    }

    private async Task BuildAsync(string id)
    {
        string r1 = $"{_name}-r1", r2 = $"{_name}-r2", far = $"{_name}-far";
        foreach (var ns in new[] { r1, r2, far })
        {
            await Ip("netns", "add", ns);
            _namespaces.Add(ns);
            await Ip("-n", ns, "link", "set", "lo", "up");
            // Routers forward; nobody drops the asymmetric-looking replies; ICMP errors are not rate-limited,
            // so a trace right after another still gets an answer from every hop.
            await Sysctl(ns, "net/ipv4/ip_forward", "1");
            await Sysctl(ns, "net/ipv4/conf/all/rp_filter", "0");
            await Sysctl(ns, "net/ipv4/conf/default/rp_filter", "0");
            await Sysctl(ns, "net/ipv4/icmp_ratelimit", "0");
        }
        var b = _b;
        await Link(null, $"bc{id}a", r1, "eth-root", $"10.213.{b}.1/24", $"10.213.{b}.2/24");
        await Link(r1, "eth-far", far, "eth-r1", $"10.213.{b + 1}.1/24", $"10.213.{b + 1}.2/24");
        await Link(null, $"bc{id}b", r2, "eth-root", $"10.213.{b + 2}.1/24", $"10.213.{b + 2}.2/24");
        await Link(r2, "eth-far", far, "eth-r2", $"10.213.{b + 3}.1/24", $"10.213.{b + 3}.2/24");

        await Ip("-n", far, "route", "add", $"10.213.{b}.0/24", "via", $"10.213.{b + 1}.1");
        await Ip("-n", far, "route", "add", $"10.213.{b + 2}.0/24", "via", $"10.213.{b + 3}.1");
        await Ip("-n", r2, "route", "add", FarSubnet, "via", $"10.213.{b + 3}.2");
        await Ip("-n", r1, "route", "add", "blackhole", $"{DroppedAddress}/32");
        await Ip("route", "add", FarSubnet, "via", RouterAddress);
        await Ip("addr", "add", $"{LinkLocalAddress}/32", "dev", $"bc{id}a");
    }

    /// <summary>The root namespace now reaches the far subnet through router2: the first hop changes.</summary>
    public Task UseSecondRouterAsync() => Ip("route", "replace", FarSubnet, "via", SecondRouterAddress);

    public Task UseFirstRouterAsync() => Ip("route", "replace", FarSubnet, "via", RouterAddress);

    /// <summary>A veth pair from <paramref name="fromNs"/> (null = root) to <paramref name="toNs"/>, addressed and up.</summary>
    internal static async Task Link(string? fromNs, string fromName, string toNs, string toName, string fromAddress, string toAddress)
    {
        string[] inFrom = fromNs is null ? [] : ["-n", fromNs];
        await Ip([.. inFrom, "link", "add", fromName, "type", "veth", "peer", "name", toName, "netns", toNs]);
        await Ip([.. inFrom, "addr", "add", fromAddress, "dev", fromName]);
        await Ip([.. inFrom, "link", "set", fromName, "up"]);
        await Ip("-n", toNs, "addr", "add", toAddress, "dev", toName);
        await Ip("-n", toNs, "link", "set", toName, "up");
    }

    private static Task Sysctl(string ns, string key, string value) =>
        Run("ip", "netns", "exec", ns, "sh", "-c", $"echo {value} > /proc/sys/{key}");

    /// <summary>`ip ARGS`; throws with ip's message when it fails. Also used by <see cref="MetadataNamespace"/>.</summary>
    internal static Task<string> Ip(params string[] args) => Run("ip", args);

    /// <summary>A /22 of 10.213.0.0/16 that no interface or route of the root namespace uses (also for <see cref="AgentNamespaces"/>).</summary>
    internal static async Task<int> FreeBlockAsync()
    {
        var used = await Ip("-4", "addr") + await Ip("-4", "route");
        var candidates = Enumerable.Range(0, 60).Select(i => 4 * i).OrderBy(_ => Random.Shared.Next());
        foreach (var b in candidates)
        {
            if (Enumerable.Range(b, 4).All(o => !used.Contains($"10.213.{o}.", StringComparison.Ordinal))) return b;
        }
        throw new InvalidOperationException("no free /22 left in 10.213.0.0/16");
    }

    /// <summary>
    /// Namespaces named <paramref name="prefix"/>PID-… whose test process has died (a killed test run) are
    /// deleted, with their /etc/netns/NAME files (`ip netns exec` reads hosts and resolv.conf there).
    /// </summary>
    internal static async Task DeleteLeftoversAsync(string prefix = Prefix)
    {
        foreach (var line in (await Ip("netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var ns = line.Split(' ')[0];
            if (!ns.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var pid = ns[prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var owner) && owner != Environment.ProcessId && !Directory.Exists($"/proc/{owner}"))
            {
                try { await Ip("netns", "delete", ns); } catch (InvalidOperationException) { }
                if (Directory.Exists($"/etc/netns/{ns}")) Directory.Delete($"/etc/netns/{ns}", recursive: true);
            }
        }
    }

    internal static async Task<string> Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed ({process.ExitCode}): {(await error).Trim()}");
        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace deletes its veth ends, their root-side peers and the routes through them.
        foreach (var ns in _namespaces)
        {
            try { await Ip("netns", "delete", ns); } catch (InvalidOperationException) { }
        }
        _namespaces.Clear();
    }
}
