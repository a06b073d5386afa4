using System.Diagnostics;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// Debian's nginx running the shipped deploy/nginx.conf, unchanged but for its listen address and cache folder, with
/// a console-upstream.conf of the test's own nodes beside it, in a temporary prefix.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";
    private readonly Process? _process;
    private readonly string _folder;

    private NginxProxy(string folder, Process? process, int port)
    {
        _folder = folder;
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    private const string ShippedStatusCache = "/var/cache/nginx-console-status";

    /// <summary>What nginx said (its error log and its exit), for a failing test's message.</summary>
    public string Diagnostics => $"nginx {(_process is { HasExited: true } p ? $"exited with {p.ExitCode}" : "running")}; error log:\n" +
        (File.Exists(Path.Combine(_folder, "logs", "error.log")) ? File.ReadAllText(Path.Combine(_folder, "logs", "error.log")) : "(none)");

    /// <summary>The repository's deploy folder, found upwards from the test binaries.</summary>
    public static string DeployFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "deploy", "nginx.conf"))) return Path.Combine(folder.FullName, "deploy");
        }
        throw new InvalidOperationException("deploy/nginx.conf not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Writes the prefix: the shipped config (listening on a free loopback port) and an upstream list of the nodes.</summary>
    public static (string Folder, string Config, int Port) Prepare(IEnumerable<Uri> nodes)
    {
        var folder = Path.Combine(Path.GetTempPath(), "bac-tests", "nginx-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var port = LoopbackPort.Free();
        var shipped = File.ReadAllText(Path.Combine(DeployFolder(), "nginx.conf"));
        shipped.Should().Contain("listen 8080;");
        shipped.Should().Contain(ShippedStatusCache);
        // Its own status cache in the prefix: nginxes of tests running at once must not share one.
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), shipped.Replace("listen 8080;", $"listen 127.0.0.1:{port};")
            .Replace(ShippedStatusCache, Path.Combine(folder, "status-cache")));
        var upstream = File.ReadAllText(Path.Combine(DeployFolder(), "console-upstream.conf"));
        var servers = string.Concat(nodes.Select(n => $"    server {n.Host}:{n.Port} max_fails=3 fail_timeout=10s;\n"));
        // The shipped list's server lines, swapped for the test's nodes; ip_hash and keepalive stay as shipped.
        var lines = upstream.Split('\n').Where(l => !l.TrimStart().StartsWith("server ")).ToList();
        var at = lines.FindIndex(l => l.Contains("ip_hash;")) + 1;
        lines.Insert(at, servers.TrimEnd('\n'));
        File.WriteAllText(Path.Combine(folder, "console-upstream.conf"), string.Join('\n', lines));
        return (folder, Path.Combine(folder, "nginx.conf"), port);
    }

    public static async Task<(int ExitCode, string Output)> TestConfigAsync(string folder, string config)
    {
        var info = Start(folder, config, "-t");
        using var process = Process.Start(info)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    public static async Task<NginxProxy> StartAsync(IEnumerable<Uri> nodes)
    {
        var (folder, config, port) = Prepare(nodes);
        var process = Process.Start(Start(folder, config, "-g", "daemon off;"))!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new NginxProxy(folder, process, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        using var client = new HttpClient();
        while (true)
        {
            try
            {
                await client.GetAsync(new Uri(proxy.BaseAddress, "/healthz"));
                return proxy;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private static ProcessStartInfo Start(string folder, string config, params string[] extra)
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", folder + "/", "-c", config, "-g", $"pid {folder}/nginx.pid; error_log {folder}/logs/error.log warn;" }) info.ArgumentList.Add(arg);
        // A second -g is not allowed: fold the extra directives into the one above.
        if (extra is ["-g", var directives])
        {
            info.ArgumentList[^1] += " " + directives;
        }
        else
        {
            foreach (var arg in extra) info.ArgumentList.Add(arg);
        }
        return info;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
