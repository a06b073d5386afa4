namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// The Debian packages the probe, locations and status benchmarks run: installed with apt-get only when missing, and said so.
/// Nothing else is installed.
/// </summary>
internal static class AptPackages
{
    /// <summary>Package → the program it must provide.</summary>
    private static readonly (string Package, string Program)[] Needed =
    [
        ("nginx-light", "/usr/sbin/nginx"),
        ("wrk", "/usr/bin/wrk"),
        ("prometheus-blackbox-exporter", "/usr/bin/prometheus-blackbox-exporter"),
        ("dnsmasq-base", "/usr/sbin/dnsmasq"),
    ];

    public static async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the probe benchmark runs on Debian (apt, nginx, raw ICMP sockets)");
        var missing = Needed.Where(n => !File.Exists(n.Program)).Select(n => n.Package).ToList();
        if (missing.Count == 0) return;
        Console.WriteLine($"installing from Debian (missing): {string.Join(", ", missing)} ...");
        await ChildProcess.RunAsync("apt-get", ["update", "-qq"], cancellationToken);
        // Debian starts a package's service on install (blackbox_exporter on :9115); the benchmark starts
        // its own, so for the install only, policy-rc.d says "no service starts" (the usual Docker way).
        const string policy = "/usr/sbin/policy-rc.d";
        var ownPolicy = !File.Exists(policy);
        if (ownPolicy)
        {
            await File.WriteAllTextAsync(policy, "#!/bin/sh\nexit 101\n", cancellationToken);
            File.SetUnixFileMode(policy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        try
        {
            await ChildProcess.RunAsync("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends", .. missing], cancellationToken);
        }
        finally
        {
            if (ownPolicy) File.Delete(policy);
        }
        foreach (var (package, program) in Needed)
        {
            if (!File.Exists(program)) throw new InvalidOperationException($"{package} was installed but {program} is missing");
        }
        Console.WriteLine($"installed: {string.Join(", ", missing)}");
    }
}
