using System.Globalization;
using BlazorAwsConsole.Benchmarks.Probes;

namespace BlazorAwsConsole.Benchmarks.Status;

/// <summary>
/// Debian's nginx running the repository's deploy/nginx.conf as shipped (its status cache included) in front of one
/// console, in a temp prefix: only its listen address, cache folder and upstream list are the benchmark's. Optionally
/// pinned to some cores (<c>taskset -c</c>), as a deployment gives nginx its own. Disposing kills it.
/// </summary>
internal sealed class ShippedNginx : IDisposable
{
    private const string ShippedListen = "listen 8080;", ShippedCache = "/var/cache/nginx-console-status";
    private readonly ChildProcess _nginx;
    private readonly string _folder;

    private ShippedNginx(ChildProcess nginx, string folder, Uri baseAddress)
    {
        _nginx = nginx;
        _folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<ShippedNginx> StartAsync(Uri console, string? cpus, CancellationToken cancellationToken)
    {
        // Not CreateTempSubdirectory: its 0700 would keep nginx's workers (nobody, under a root master) out of the cache.
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bac-status-nginx-{Guid.NewGuid():n}")).FullName;
        var port = ChildProcess.FreeLoopbackPort();
        var shipped = await File.ReadAllTextAsync(Path.Combine(DeployFolder(), "nginx.conf"), cancellationToken);
        if (!shipped.Contains(ShippedListen) || !shipped.Contains(ShippedCache)) throw new InvalidOperationException($"deploy/nginx.conf no longer has '{ShippedListen}' and '{ShippedCache}'");
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"),
            shipped.Replace(ShippedListen, $"listen 127.0.0.1:{port} backlog=4096;").Replace(ShippedCache, Path.Combine(folder, "status-cache")), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "console-upstream.conf"),
            $"upstream console {{ ip_hash; server {console.Host}:{console.Port.ToString(CultureInfo.InvariantCulture)}; keepalive 32; }}\n", cancellationToken);
        string[] nginx = ["/usr/sbin/nginx", "-p", folder + "/", "-c", Path.Combine(folder, "nginx.conf"), "-g", $"daemon off; pid {folder}/nginx.pid;"];
        var process = cpus is null ? ChildProcess.Start(nginx[0], nginx[1..]) : ChildProcess.Start("/usr/bin/taskset", ["-c", cpus, .. nginx]);
        var started = new ShippedNginx(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await process.WaitForPortAsync(port, cancellationToken);
            return started;
        }
        catch
        {
            started.Dispose();
            throw;
        }
    }

    private static string DeployFolder()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "deploy", "nginx.conf"))) return Path.Combine(folder.FullName, "deploy");
            }
        }
        throw new InvalidOperationException("deploy/nginx.conf not found above the current folder");
    }

    public void Dispose()
    {
        _nginx.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
