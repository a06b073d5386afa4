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
    /// A server's processes at one moment, for <see cref="ByKind"/>: each child's kind (from the title PostgreSQL gives it:
    /// "postgres: walwriter", "postgres: autovacuum worker console", "postgres: postgres console 127.0.0.1(5678) idle"
    /// for a client's backend) and CPU ticks by pid, and the postmaster's own and reaped (exited children's) ticks.
    /// </summary>
    internal sealed record TreeSnapshot(Dictionary<int, (string Kind, long Ticks)> Children, long OwnTicks, long ReapedTicks);

    public static TreeSnapshot SnapshotTree(int pid)
    {
        var children = new Dictionary<int, (string, long)>();
        long own = 0, reaped = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child)) continue;
            if (Stat(child) is not { } stat) continue;
            if (child == pid) (own, reaped) = (stat.Utime + stat.Stime, stat.Cutime + stat.Cstime);
            else if (stat.Ppid == pid) children[child] = (KindOf(child), stat.Utime + stat.Stime);
        }
        return new TreeSnapshot(children, own, reaped);
    }

    /// <summary>
    /// Where a server's CPU went between two snapshots, by kind of process. A process that ended in between (a closed
    /// connection, a finished autovacuum worker) is known only by the postmaster's reaped time, less what it had used
    /// before the first snapshot: that is its own line, so connections closing do not hide in the postmaster's share.
    /// </summary>
    public static Dictionary<string, TimeSpan> ByKind(TreeSnapshot start, TreeSnapshot end)
    {
        var byKind = new Dictionary<string, long> { ["postmaster"] = end.OwnTicks - start.OwnTicks };
        foreach (var (pid, (kind, ticks)) in end.Children)
        {
            byKind[kind] = byKind.GetValueOrDefault(kind) + ticks - (start.Children.TryGetValue(pid, out var before) ? before.Ticks : 0);
        }
        var endedBefore = start.Children.Where(c => !end.Children.ContainsKey(c.Key)).Sum(c => c.Value.Ticks);
        byKind["processes that ended in the window (closed connections, autovacuum workers)"] = end.ReapedTicks - start.ReapedTicks - endedBefore;
        // USER_HZ is 100 on every Linux build .NET runs on.
        return byKind.ToDictionary(k => k.Key, k => TimeSpan.FromSeconds(Math.Max(0, k.Value) / 100.0));
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
            return "a process that ended as it was read";
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
