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

    /// <summary>
    /// <see cref="OfTree"/> split by what each process is, from the title PostgreSQL gives it ("postgres: walwriter",
    /// "postgres: autovacuum worker console", "postgres: postgres console 127.0.0.1(5678) idle" for a client's
    /// backend): where the server's CPU goes. Processes that exited (a closed connection, a finished autovacuum worker)
    /// are counted in the postmaster's reaped time, under "postmaster and exited processes".
    /// </summary>
    public static Dictionary<string, TimeSpan> OfTreeByKind(int pid)
    {
        var byKind = new Dictionary<string, TimeSpan>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child)) continue;
            if (Stat(child) is not { } stat) continue;
            var (kind, ticks) = child == pid ? ("postmaster and exited processes", stat.Utime + stat.Stime + stat.Cutime + stat.Cstime)
                : stat.Ppid == pid ? (KindOf(child), stat.Utime + stat.Stime) : (null, 0);
            if (kind is null) continue;
            byKind[kind] = byKind.GetValueOrDefault(kind) + TimeSpan.FromSeconds(ticks / 100.0);
        }
        return byKind;
    }

    private static string KindOf(int pid)
    {
        string title;
        try
        {
            title = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "postmaster and exited processes";
        }
        if (title.Contains("127.0.0.1(") || title.Contains("[local]")) return "client connections (the nodes' queries)";
        if (title.Contains("autovacuum worker")) return "autovacuum workers";
        return title.StartsWith("postgres: ") ? title["postgres: ".Length..] : title;
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
