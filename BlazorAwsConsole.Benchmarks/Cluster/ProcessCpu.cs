using System.Diagnostics;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>CPU time used by processes the soak watches: a node (one process), or PostgreSQL (its postmaster and every backend).</summary>
internal static class ProcessCpu
{
    /// <summary>User + system time of one process so far.</summary>
    public static TimeSpan Of(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// User + system time of a process and its live children, plus the children it has already reaped (Linux's
    /// cutime/cstime): a PostgreSQL server is its postmaster and one backend per connection.
    /// </summary>
    public static TimeSpan OfTree(int pid)
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child)) continue;
            if (Stat(child) is not { } stat) continue;
            if (child == pid) ticks += stat.Utime + stat.Stime + stat.Cutime + stat.Cstime;
            else if (stat.Ppid == pid) ticks += stat.Utime + stat.Stime;
        }
        // USER_HZ is 100 on every Linux build .NET runs on.
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static (int Ppid, long Utime, long Stime, long Cutime, long Cstime)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // it exited in between
        }
        // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1]), long.Parse(fields[11]), long.Parse(fields[12]), long.Parse(fields[13]), long.Parse(fields[14]));
    }
}
